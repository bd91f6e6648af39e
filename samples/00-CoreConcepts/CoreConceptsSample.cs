using AsyncNotes;

namespace AsyncNotes.Samples.CoreConcepts;

/// <summary>Section 0 of the notes: <c>async def</c>, <c>await</c>, <c>asyncio.run</c>, <c>asyncio.sleep</c>.</summary>
public static class CoreConceptsSample
{
    /// <summary>Runs every part of the sample, writing to <paramref name="output"/>.</summary>
    public static void Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);

        // The sample runs on the virtual clock, so its one-second "I/O" takes no real time and the output is the same on
        // every run. AsyncIO.Run(main) without options runs on the real clock, exactly like asyncio.run(main()).
        AsyncIO.Run(() => MainAsync(output), EventLoopOptions.Virtual);
    }

    // 1. async def fetch(url) -> str  becomes  async Task<string> FetchAsync(string url, CancellationToken)
    private static async Task<string> FetchAsync(string url, CancellationToken cancellationToken = default)
    {
        await AsyncIO.SleepAsync(TimeSpan.FromSeconds(1), cancellationToken); // simulate I/O, yields control to the event loop
        return $"data from {url}";
    }

    private static async Task<string> AnnouncedFetchAsync(TextWriter output, string url)
    {
        Print(output, "FetchAsync's body is running, before anyone awaited it");
        return await FetchAsync(url);
    }

    private static async Task MainAsync(TextWriter output)
    {
        // 2. await: the caller is suspended until the I/O completes; the loop runs something else meanwhile.
        await output.WriteLineAsync("1. await one fetch");
        string result = await FetchAsync("https://api.example.com");
        Print(output, result);

        // 3. A coroutine object does nothing until awaited; a C# task starts running the moment the method is called.
        await output.WriteLineAsync();
        await output.WriteLineAsync("2. calling an async method starts it (C# tasks are hot)");
        Task<string> started = AnnouncedFetchAsync(output, "https://api.example.com/hot");
        Print(output, "the call returned a task that is already running; now await it");
        Print(output, await started);

        // 4. Awaiting one thing after another is sequential: the times add up.
        await output.WriteLineAsync();
        await output.WriteLineAsync("3. two awaits in a row take the sum of their times");
        TimeSpan before = EventLoop.Current!.Elapsed;
        await FetchAsync("https://api.example.com/users/1");
        await FetchAsync("https://api.example.com/users/2");
        Print(output, $"two sequential fetches took {(EventLoop.Current.Elapsed - before).TotalSeconds:0.0}s (01-Gather runs them concurrently)");

        // 5. asyncio.sleep(0) yields one turn of the loop; Task.Delay(0) does not yield at all.
        await output.WriteLineAsync();
        await output.WriteLineAsync("4. SleepAsync(TimeSpan.Zero) yields exactly one turn");
        var order = new List<string>();
        Task other = AsyncIO.CreateTask(_ =>
        {
            order.Add("other task");
            return Task.CompletedTask;
        });
        await Task.Delay(TimeSpan.Zero);
        order.Add("after Task.Delay(0)");
        await AsyncIO.SleepAsync(TimeSpan.Zero);
        order.Add("after SleepAsync(0)");
        await other;
        Print(output, string.Join(" -> ", order));

        // 6. The first of the notes' common mistakes: asyncio.run() inside an async function.
        await output.WriteLineAsync();
        await output.WriteLineAsync("5. AsyncIO.Run inside async code is refused");
        try
        {
#pragma warning disable AN0002 // the mistake on purpose: this part shows the exception it throws at run time
            AsyncIO.Run(() => FetchAsync("https://api.example.com/nested"));
#pragma warning restore AN0002
        }
        catch (InvalidOperationException mistake)
        {
            Print(output, $"InvalidOperationException: {mistake.Message[..mistake.Message.IndexOf(':', StringComparison.Ordinal)]}");
        }
    }

    private static void Print(TextWriter output, string line) =>
        output.WriteLine($"   [t={EventLoop.Current!.Elapsed.TotalSeconds:0.0}s] {line}");
}
