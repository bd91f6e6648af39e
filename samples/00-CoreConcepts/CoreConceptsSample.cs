using AsyncNotes;

namespace AsyncNotes.Samples.CoreConcepts;

/// <summary>Section 0 of the notes: <c>async def</c>, <c>await</c>, <c>asyncio.run</c>, <c>asyncio.sleep</c>.</summary>
public static class CoreConceptsSample
{
    // The traps a reader runs with `dotnet run --project samples/00-CoreConcepts -- --try NAME`; the tour runs none.
    internal static readonly NamedParts Traps = new(
        ("result-on-loop", ResultOnLoop.Run),
        ("configure-await-false", ConfigureAwaitFalse.Run));

    /// <summary>The traps' names, for <c>--try</c>.</summary>
    public static IReadOnlyList<string> TrapNames => Traps.Names;

    /// <summary>Runs every part of the sample, writing to <paramref name="output"/>.</summary>
    public static void Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);

        // Parts 1 to 5 run on the virtual clock, so their one-second "I/O" takes no real time and the output is the same on
        // every run. AsyncIO.Run(main) without options runs on the real clock, exactly like asyncio.run(main()).
        AsyncIO.Run(() => MainAsync(output), EventLoopOptions.Virtual);

        // Part 6 is plain .NET, with no loop at all: what `static async Task Main` compiles to is a Main that blocks on the
        // async one, written out here. Task.Run first, so the code starts where a console app's does: no
        // SynchronizationContext, whatever the calling thread has (a test runner's thread has one).
#pragma warning disable VSTHRD002 // the compiler's own entry point for an async Main, written out: the one place a program blocks
        Task.Run(() => PlainDotNet.MainAsync(output)).GetAwaiter().GetResult();
#pragma warning restore VSTHRD002
    }

    /// <summary>Runs the traps named in <paramref name="names"/> (see <see cref="TrapNames"/>); <see langword="false"/>,
    /// running nothing, if a name is unknown.</summary>
    public static bool TryRunTraps(TextWriter output, IReadOnlyList<string> names) => Traps.TryRun(output, names);

    // async def fetch(url) -> str  becomes  async Task<string> FetchAsync(string url, CancellationToken)
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
        // 1. await: the caller is suspended until the I/O completes; the loop runs something else meanwhile.
        await output.WriteLineAsync("1. await one fetch");
        string result = await FetchAsync("https://api.example.com");
        Print(output, result);

        // 2. A coroutine object does nothing until awaited; a C# task starts running the moment the method is called.
        await output.WriteLineAsync();
        await output.WriteLineAsync("2. calling an async method starts it (C# tasks are hot)");
        Task<string> started = AnnouncedFetchAsync(output, "https://api.example.com/hot");
        Print(output, "the call returned a task that is already running; now await it");
        Print(output, await started);

        // 3. Awaiting one thing after another is sequential: the times add up.
        await output.WriteLineAsync();
        await output.WriteLineAsync("3. two awaits in a row take the sum of their times");
        TimeSpan before = EventLoop.Current!.Elapsed;
        await FetchAsync("https://api.example.com/users/1");
        await FetchAsync("https://api.example.com/users/2");
        Print(output, $"two sequential fetches took {(EventLoop.Current.Elapsed - before).TotalSeconds:0.0}s (01-Gather runs them concurrently)");

        // 4. asyncio.sleep(0) yields one turn of the loop; Task.Delay(0) does not yield at all.
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

        // 5. The first of the notes' common mistakes: asyncio.run() inside an async function.
        await output.WriteLineAsync();
        await output.WriteLineAsync("5. AsyncIO.Run inside async code is refused");
        bool innerStarted = false;
        try
        {
#pragma warning disable AN0002 // the mistake on purpose: this part shows the exception it throws at run time
            AsyncIO.Run(() =>
            {
                innerStarted = true;
                return FetchAsync("https://api.example.com/nested");
            });
#pragma warning restore AN0002
        }
        catch (InvalidOperationException mistake)
        {
            // The type is the contract; the message explains the mistake to a human (Core/RunTests checks what it says).
            Print(output, $"{mistake.GetType().Name}; the inner work started: {innerStarted}. Await it instead");
        }
    }

    private static void Print(TextWriter output, string line) =>
        output.WriteLine($"   [t={EventLoop.Current!.Elapsed.TotalSeconds:0.0}s] {line}");
}
