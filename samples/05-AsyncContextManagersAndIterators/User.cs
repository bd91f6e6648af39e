namespace AsyncNotes.Samples.ContextManagers;

/// <summary>A row of the sample's <c>users</c> table.</summary>
/// <param name="Id">The primary key.</param>
/// <param name="Name">The user's name.</param>
/// <param name="Age">The user's age, in years.</param>
public sealed record User(long Id, string Name, long Age);
