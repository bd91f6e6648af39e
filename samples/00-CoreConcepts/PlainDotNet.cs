namespace AsyncNotes.Samples.CoreConcepts;

/// <summary>Part 6: the same fetch in plain .NET, the third column of the README. No loop, no AsyncNotes: a console app's
/// <c>static async Task Main</c> has no <see cref="SynchronizationContext"/>, so every continuation runs on the thread pool
/// and timers run on the system clock.</summary>
internal static class PlainDotNet
{
    // The .NET you would ship: Task.Delay stands for the I/O (an HttpClient call in a real program).
    private static async Task<string> FetchAsync(string url, CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        return $"data from {url}";
    }

    /// <summary>What <c>static async Task Main()</c> would do, writing to <paramref name="output"/>.</summary>
    public static async Task MainAsync(TextWriter output)
    {
        await output.WriteLineAsync();
        await output.WriteLineAsync("6. plain .NET needs no loop at all (static async Task Main, Task.Delay, the thread pool)");
        await output.WriteLineAsync($"   before the first await: an event loop? {Yes(EventLoop.Current)}; a SynchronizationContext? {Yes(SynchronizationContext.Current)}");
        using var cancellation = new CancellationTokenSource(); // in a real Main: cancelled from Console.CancelKeyPress
        string result = await FetchAsync("https://api.example.com", cancellation.Token);
        await output.WriteLineAsync($"   {result}");
        await output.WriteLineAsync($"   after it: on a thread-pool thread? {(Thread.CurrentThread.IsThreadPoolThread ? "yes" : "no")}; an event loop? {Yes(EventLoop.Current)}");
    }

    private static string Yes(object? found) => found is null ? "no" : "yes";
}
