namespace AsyncNotes.Samples.CommonMistakes;

/// <summary>The notes' <c>fetch_user</c>: half a second of I/O on the loop's clock, then the user's name.</summary>
internal static class Users
{
    public static readonly TimeSpan Latency = TimeSpan.FromSeconds(0.5);

    public static async Task<string> FetchUserAsync(int id, CancellationToken cancellationToken = default)
    {
        await AsyncIO.SleepAsync(Latency, cancellationToken);
        return $"user {id}";
    }
}
