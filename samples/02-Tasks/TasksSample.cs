using AsyncNotes;

namespace AsyncNotes.Samples.Tasks;

/// <summary>Section 2 of the notes: <c>asyncio.create_task</c>, fire and forget.</summary>
public static class TasksSample
{
    // The trap a reader runs with `dotnet run --project samples/02-Tasks -- --try discarded-task`; the tour runs none.
    internal static readonly NamedParts Traps = new(("discarded-task", DiscardedTask.Run));

    /// <summary>The traps' names, for <c>--try</c>.</summary>
    public static IReadOnlyList<string> TrapNames => Traps.Names;

    /// <summary>Runs the traps named in <paramref name="names"/>; <see langword="false"/>, running nothing, if a name is unknown.</summary>
    public static bool TryRunTraps(TextWriter output, IReadOnlyList<string> names) => Traps.TryRun(output, names);

    /// <summary>Runs every part of the sample, writing to <paramref name="output"/>.</summary>
    public static void Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);

        // asyncio reports a fire-and-forget task's failure through the loop's exception handler
        // (loop.set_exception_handler); EventLoopOptions.ExceptionHandler is the same hook.
        EventLoopOptions options = EventLoopOptions.Virtual with
        {
            ExceptionHandler = context => Print(output, $"exception handler: {context.Message} ({context.Exception.Message})"),
        };
        AsyncIO.Run(() => MainAsync(output), options);

        // Part 5 is plain .NET on the real clock: what `static async Task Main` compiles to is a Main that blocks on the
        // async one, written out here (see sample 00, part 6).
#pragma warning disable VSTHRD002 // the compiler's own entry point for an async Main, written out: the one place a program blocks
        Task.Run(() => ShippedDotNet.RunAsync(output)).GetAwaiter().GetResult();
#pragma warning restore VSTHRD002
    }

    /// <summary>Part 1's recorded run as a Mermaid <c>gantt</c> block: the chart in this sample's README is this text, and a
    /// test keeps the two in step.</summary>
    public static string TimelineAsMermaid() => AsyncIO.Run(
        async () =>
        {
            var timeline = new Timeline();
            await CreateTwoTasksAsync(TextWriter.Null, timeline);
            return timeline.ToMermaid("create_task, two fetches run while main waits");
        },
        EventLoopOptions.Virtual);

    private static async Task<string> FetchAsync(TextWriter output, string url, CancellationToken cancellationToken)
    {
        Print(output, $"fetch({url}) starts");
        await AsyncIO.SleepAsync(TimeSpan.FromSeconds(1), cancellationToken);
        return $"data from {url}";
    }

    // The notes' example: two tasks scheduled "now", other work, then await each; every span recorded on the timeline.
    private static async Task<(string, string)> CreateTwoTasksAsync(TextWriter output, Timeline timeline)
    {
        Task<string> task1 = AsyncIO.CreateTask(ct => timeline.RecordAsync("fetch-1", t => FetchAsync(output, "url1", t), ct), name: "fetch-1");
        Task<string> task2 = AsyncIO.CreateTask(ct => timeline.RecordAsync("fetch-2", t => FetchAsync(output, "url2", t), ct), name: "fetch-2");
        Print(output, "two tasks created; neither has run a line yet");
        using (timeline.Start("main awaits task1, task2"))
        {
            return (await task1, await task2);
        }
    }

    private static async Task MainAsync(TextWriter output)
    {
        // 1. The notes' example: two tasks scheduled "now", other work, then await each.
        await output.WriteLineAsync("1. create_task: scheduled now, started when main yields");
        var timeline = new Timeline();
        (string result1, string result2) = await CreateTwoTasksAsync(output, timeline);
        Print(output, $"{result1}, {result2} (both in 1s: they ran concurrently)");
        await output.WriteLineAsync("   " + timeline.ToGantt(40).Replace("\n", "\n   ", StringComparison.Ordinal));

        // 2. Calling an async method is not create_task: the body runs at once, inside the call.
        await output.WriteLineAsync();
        await output.WriteLineAsync("2. a plain call starts the task inside the call (C# tasks are hot)");
        Task<string> hot = FetchAsync(output, "url3", CancellationToken.None);
        Print(output, "the call returned");
        Print(output, await hot);

        // 3. Fire and forget: Forget() observes the task and reports its failure when it happens.
        await output.WriteLineAsync();
        await output.WriteLineAsync("3. fire and forget without losing the failure");
        SendMetricsAsync().Forget("metrics");
        Print(output, "metrics sent in the background; main goes on");
        await AsyncIO.SleepAsync(TimeSpan.FromSeconds(1));
        Print(output, "main slept 1s; the failure was reported at t=2.5s, when it happened");

        // 4. asyncio.run cancels the tasks still pending when main returns; so does AsyncIO.Run.
        await output.WriteLineAsync();
        await output.WriteLineAsync("4. tasks still pending when main ends are cancelled");
        AsyncIO.CreateTask(ct => HeartbeatAsync(output, ct), name: "heartbeat").Forget();
        await AsyncIO.SleepAsync(TimeSpan.FromSeconds(2.5));
        Print(output, "main returns");
    }

    private static async Task SendMetricsAsync()
    {
        await AsyncIO.SleepAsync(TimeSpan.FromSeconds(0.5));
        throw new InvalidOperationException("metrics endpoint refused the batch");
    }

    private static async Task HeartbeatAsync(TextWriter output, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await AsyncIO.SleepAsync(TimeSpan.FromSeconds(1), cancellationToken);
                Print(output, "heartbeat");
            }
        }
        catch (OperationCanceledException)
        {
            Print(output, "heartbeat cancelled by AsyncIO.Run at shutdown");
            throw;
        }
    }

    private static void Print(TextWriter output, string line) =>
        output.WriteLine($"   [t={EventLoop.Current!.Elapsed.TotalSeconds:0.0}s] {line}");
}
