namespace AsyncNotes.Analyzers;

/// <summary>The stable IDs of AsyncNotes' diagnostics. Each has its page in docs/analyzers/.</summary>
internal static class DiagnosticIds
{
    /// <summary><c>using</c> on an <c>IAsyncDisposable</c> inside an async function, where <c>await using</c> was meant.</summary>
    public const string UseAwaitUsing = "AN0001";
}
