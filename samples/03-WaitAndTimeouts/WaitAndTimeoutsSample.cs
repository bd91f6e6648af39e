using AsyncNotes;

namespace AsyncNotes.Samples.WaitAndTimeouts;

/// <summary>Section 3 of the notes, "gather vs wait": <c>asyncio.wait</c>, <c>as_completed</c>, <c>wait_for</c>,
/// <c>timeout</c>, <c>shield</c> and <c>staggered_race</c>.</summary>
public static class WaitAndTimeoutsSample
{
    /// <summary>Runs every part of the sample, writing to <paramref name="output"/>.</summary>
    public static void Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        AsyncIO.Run(() => MainAsync(new PartLog(output)), EventLoopOptions.Virtual);
    }

    private static TimeSpan Seconds(double seconds) => TimeSpan.FromSeconds(seconds);

    private static async Task<string> JobAsync(string name, double seconds, CancellationToken cancellationToken = default)
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
        Task<string>[] jobs = [AsyncIO.CreateTask(ct => JobAsync("fast", 1, ct)), AsyncIO.CreateTask(ct => JobAsync("slow", 3, ct))];
        var (done, pending) = await AsyncIO.WaitAsync(jobs, ReturnWhen.FirstCompleted, timeout: Seconds(5));
        log.Print($"done: [{await NamesAsync(done)}], pending: {pending.Count}");
        log.Print($"the pending task finishes on its own: {await pending.Single()}");

        // 2. FIRST_EXCEPTION returns at the first failure and never throws it.
        log.Part("2. wait(FIRST_EXCEPTION): returns at the first failure, throws nothing");
        Task<string> broken = FailingJobAsync("db", 0.5);
        Task<string> healthy = JobAsync("api", 2);
        (done, pending) = await AsyncIO.WaitAsync([broken, healthy], ReturnWhen.FirstException);
        log.Print($"done: {done.Count} ({done.Single().Exception!.InnerException!.Message}), pending: {pending.Count}");
        await healthy;

        // 3. as_completed: the same tasks back, in the order they finish.
        log.Part("3. as_completed: results in completion order");
        await foreach (Task<string> finished in AsyncIO.AsCompleted([JobAsync("c", 3), JobAsync("a", 1), JobAsync("b", 2)]))
        {
            log.Print(await finished);
        }

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
            scope.RescheduleAfter(Seconds(2)); // more time, the way asyncio's cm.reschedule(loop.time() + 2) gives it
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
        var (address, index, errors) = await AsyncIO.StaggeredRaceAsync(
            [ct => ConnectAsync(log, "[::1]", 10, ct), ct => ConnectAsync(log, "127.0.0.1", 0.1, ct)],
            TimeSpan.FromMilliseconds(250));
        log.Print($"connected to {address} (attempt {index}); the loser: {errors[0]!.GetType().Name}");
    }

    private static async Task<string> SlowReportAsync(PartLog log, CancellationToken cancellationToken)
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
