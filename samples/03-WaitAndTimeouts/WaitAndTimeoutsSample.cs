using AsyncNotes;

namespace AsyncNotes.Samples.WaitAndTimeouts;

/// <summary>Section 3 of the notes, "gather vs wait": <c>asyncio.wait</c>, <c>as_completed</c>, <c>wait_for</c>,
/// <c>timeout</c>, <c>shield</c> and <c>staggered_race</c>.</summary>
public static class WaitAndTimeoutsSample
{
    // The trap a reader runs with `dotnet run --project samples/03-WaitAndTimeouts -- --try dropped-token`; the tour runs none.
    internal static readonly NamedParts Traps = new(("dropped-token", DroppedToken.Run));

    // The parts drawn as timelines: the title of each chart, and the recorded run it draws.
    private static readonly (string Title, Func<PartLog, Timeline, Task> Record)[] Recorded =
    [
        ("wait FIRST_COMPLETED, then the pending task on its own", WaitFirstCompletedAsync),
        ("as_completed, results in completion order", AsCompletedAsync),
        ("staggered_race, a 250 ms head start", StaggeredRaceAsync),
    ];

    /// <summary>The traps' names, for <c>--try</c>.</summary>
    public static IReadOnlyList<string> TrapNames => Traps.Names;

    /// <summary>Runs the traps named in <paramref name="names"/>; <see langword="false"/>, running nothing, if a name is unknown.</summary>
    public static bool TryRunTraps(TextWriter output, IReadOnlyList<string> names) => Traps.TryRun(output, names);

    /// <summary>Runs every part of the sample, writing to <paramref name="output"/>.</summary>
    public static void Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        AsyncIO.Run(() => MainAsync(new PartLog(output)), EventLoopOptions.Virtual);
    }

    /// <summary>Parts 1, 3 and 7 as Mermaid <c>gantt</c> blocks, each from a recorded run of its own: the charts in this
    /// sample's README are this text, and a test keeps the two in step.</summary>
    public static string TimelinesAsMermaid() => string.Join("\n\n", Recorded.Select(part => AsyncIO.Run(
        async () =>
        {
            var timeline = new Timeline();
            await part.Record(new PartLog(TextWriter.Null), timeline);
            return timeline.ToMermaid(part.Title);
        },
        EventLoopOptions.Virtual)));

    internal static TimeSpan Seconds(double seconds) => TimeSpan.FromSeconds(seconds);

    internal static async Task<string> JobAsync(string name, double seconds, CancellationToken cancellationToken = default)
    {
        await AsyncIO.SleepAsync(Seconds(seconds), cancellationToken);
        return name;
    }

    private static async Task<string> FailingJobAsync(string name, double seconds)
    {
        await AsyncIO.SleepAsync(Seconds(seconds));
        throw new InvalidOperationException($"{name} failed");
    }

    private static async Task MainAsync(PartLog log)
    {
        // 1. The notes' wait(..., timeout=5.0, return_when=FIRST_COMPLETED): two sets back, nothing cancelled.
        log.Part("1. wait(FIRST_COMPLETED, timeout): done and pending sets; pending keeps running");
        var timeline = new Timeline();
        await WaitFirstCompletedAsync(log, timeline);
        log.Write(timeline.ToGantt(40));

        // 2. FIRST_EXCEPTION returns at the first failure and never throws it.
        log.Part("2. wait(FIRST_EXCEPTION): returns at the first failure, throws nothing");
        Task<string> broken = FailingJobAsync("db", 0.5);
        Task<string> healthy = JobAsync("api", 2);
        var (done, pending) = await AsyncIO.WaitAsync([broken, healthy], ReturnWhen.FirstException);
        log.Print($"done: {done.Count} ({done.Single().Exception!.InnerException!.Message}), pending: {pending.Count}");
        await healthy;

        // 3. as_completed: the same tasks back, in the order they finish.
        log.Part("3. as_completed: results in completion order");
        timeline = new Timeline();
        await AsCompletedAsync(log, timeline);
        log.Write(timeline.ToGantt(40));

        // 4. wait_for cancels the work at the deadline and waits for its cleanup; Task.WaitAsync only stops waiting.
        log.Part("4. wait_for: cancels the work and waits for its cleanup, then TimeoutException");
        try
        {
            await AsyncIO.WaitForAsync(ct => SlowReportAsync(log, ct), Seconds(1));
        }
        catch (TimeoutException)
        {
            log.Print("TimeoutException, after the work's cleanup");
        }

        // 5. async with asyncio.timeout(2) as scope: only the scope's own expiry becomes TimeoutException.
        log.Part("5. timeout(): a scope you can reschedule");
        await AsyncIO.TimeoutAsync(Seconds(2), async scope =>
        {
            await AsyncIO.SleepAsync(Seconds(1.5), scope.Token);
            scope.RescheduleAfter(Seconds(2)); // asyncio: scope.reschedule(asyncio.get_running_loop().time() + 2)
            await AsyncIO.SleepAsync(Seconds(1.5), scope.Token);
            log.Print($"finished within the moved deadline; expired: {scope.Expired}");
        });

        // 6. shield: the awaiting side gives up, the shielded work goes on.
        log.Part("6. shield: wait_for(shield(task), 1) times out; the task still completes");
        Task<string> save = JobAsync("saved", 2);
        try
        {
            await AsyncIO.WaitForAsync(AsyncIO.ShieldAsync(save), Seconds(1));
        }
        catch (TimeoutException)
        {
            log.Print("gave up waiting");
        }

        log.Print($"the shielded task: {await save}");

        // 7. staggered_race (Happy Eyeballs): IPv6 gets a 250 ms head start; IPv4 wins when IPv6 hangs.
        log.Part("7. staggered_race: the next attempt starts after a head start; the first success wins");
        timeline = new Timeline();
        await StaggeredRaceAsync(log, timeline);
        log.Write(timeline.ToGantt(40));

        // 8. The same jobs in plain .NET, on the loop's clock so that the times are exact.
        await ShippedDotNet.RunAsync(log);
    }

    private static async Task WaitFirstCompletedAsync(PartLog log, Timeline timeline)
    {
        Task<string>[] jobs =
        [
            AsyncIO.CreateTask(ct => timeline.RecordAsync("fast", t => JobAsync("fast", 1, t), ct)),
            AsyncIO.CreateTask(ct => timeline.RecordAsync("slow", t => JobAsync("slow", 3, t), ct)),
        ];
        WaitResult<Task<string>> result;
        using (timeline.Start("wait"))
        {
            result = await AsyncIO.WaitAsync(jobs, ReturnWhen.FirstCompleted, timeout: Seconds(5));
        }

        var (done, pending) = result;
        log.Print($"done: [{await NamesAsync(done)}], pending: {pending.Count}");
        log.Print($"the pending task finishes on its own: {await pending.Single()}");
    }

    private static async Task AsCompletedAsync(PartLog log, Timeline timeline)
    {
        Task<string>[] jobs =
        [
            timeline.RecordAsync("c", () => JobAsync("c", 3)),
            timeline.RecordAsync("a", () => JobAsync("a", 1)),
            timeline.RecordAsync("b", () => JobAsync("b", 2)),
        ];
        await foreach (Task<string> finished in AsyncIO.AsCompleted(jobs))
        {
            log.Print(await finished);
        }
    }

    private static async Task StaggeredRaceAsync(PartLog log, Timeline timeline)
    {
        var (address, index, errors) = await AsyncIO.StaggeredRaceAsync(
            [
                ct => timeline.RecordAsync("[::1]", t => ConnectAsync(log, "[::1]", 10, t), ct),
                ct => timeline.RecordAsync("127.0.0.1", t => ConnectAsync(log, "127.0.0.1", 0.1, t), ct),
            ],
            TimeSpan.FromMilliseconds(250));
        log.Print($"connected to {address}, attempt #{index + 1} (index {index}); the loser: {errors[0]!.GetType().Name}");
    }

    internal static async Task<string> SlowReportAsync(PartLog log, CancellationToken cancellationToken)
    {
        try
        {
            await AsyncIO.SleepAsync(Seconds(10), cancellationToken);
            return "report";
        }
        finally
        {
            log.Print("the work's finally block ran");
        }
    }

    private static async Task<string> ConnectAsync(PartLog log, string host, double seconds, CancellationToken cancellationToken)
    {
        log.Print($"connecting to {host}");
        await AsyncIO.SleepAsync(Seconds(seconds), cancellationToken);
        return host;
    }

    // Every task in a done set has completed, so awaiting it returns at once.
    private static async Task<string> NamesAsync(IEnumerable<Task<string>> tasks) => string.Join(", ", await Task.WhenAll(tasks));
}
