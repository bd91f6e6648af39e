using System.Diagnostics;
using AsyncNotes;

namespace AsyncNotes.Samples.EventLoops;

/// <summary>Section 7 of the notes, "Event Loop — What's Happening": one thread, one loop, many tasks; who waits for whom;
/// and CPU-bound code that blocks the whole loop, caught by the slow-callback report and moved to a thread.</summary>
public static class EventLoopSample
{
    // Part 3's CPU-bound work, in real time, and the slow-callback threshold that catches it (asyncio's debug default is 100 ms).
    private static readonly TimeSpan Crunch = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan SlowCallbackThreshold = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Beat = TimeSpan.FromMilliseconds(10);

    /// <summary>Runs every part of the sample, writing to <paramref name="output"/>.</summary>
    public static void Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var log = new PartLog(output);

        // Parts 1 and 2 on the virtual clock: exact times, the same output on every run.
        AsyncIO.Run(() => OneThreadManyTasksAsync(log), EventLoopOptions.Virtual);
        AsyncIO.Run(() => WhoWaitsForWhomAsync(log), EventLoopOptions.Virtual);

        // Parts 3 and 4 on the real clock, with asyncio's debug mode on: a callback that holds the loop 100 ms is reported.
        var reports = new List<SlowCallback>();
        var debug = new EventLoopOptions { SlowCallbackDuration = SlowCallbackThreshold, SlowCallbackHandler = reports.Add };
        AsyncIO.Run(() => CrunchAsync(log, reports, offload: false), debug);
        reports.Clear();
        AsyncIO.Run(() => CrunchAsync(log, reports, offload: true), debug);
    }

    // 1. Only one coroutine runs at a time: three tasks, each yielding between steps, take turns in a fixed order.
    private static async Task OneThreadManyTasksAsync(PartLog log)
    {
        log.Part("1. one thread, one loop, many tasks: each step runs until its next await, then the next task's step");
        int loopThread = Environment.CurrentManagedThreadId;
        bool oneThread = true;

        Task StepsAsync(string name) => AsyncIO.CreateTask(async ct =>
        {
            for (int step = 1; step <= 3; step++)
            {
                log.Print($"{name} step {step}");
                oneThread &= Environment.CurrentManagedThreadId == loopThread;
                await AsyncIO.SleepAsync(TimeSpan.Zero, ct); // yield to the loop: asyncio.sleep(0)
            }
        }, name);

        await Task.WhenAll(StepsAsync("A"), StepsAsync("B"), StepsAsync("C"));
        log.Print($"every step ran on the loop's one thread: {oneThread}");
    }

    // 2. The notes' picture: tasks suspended on the network, resumed one at a time when their I/O is ready; the tree of
    //    who started (and awaits) whom, printed while they wait.
    private static async Task WhoWaitsForWhomAsync(PartLog log)
    {
        log.Part("2. the notes' picture, live: who waits for whom (AsyncIO.PrintCallGraph)");
        await TaskGroup.RunAsync(async tg =>
        {
            for (int n = 1; n <= 3; n++)
            {
                int url = n;
                _ = tg.CreateTask(async ct =>
                {
                    if (url == 3)
                    {
                        // fetch(url3) follows a link: a task of its own, started (and awaited) by this one.
                        await tg.CreateTask(ct2 => FetchAsync(log, "fetch(url3/next)", 4, ct2), "fetch(url3/next)", ct);
                    }

                    return await FetchAsync(log, $"fetch(url{url})", url, ct);
                }, $"crawl(url{url})");
            }

            await AsyncIO.SleepAsync(TimeSpan.FromSeconds(0.5));
            log.Print("every crawler is suspended on the network; the tree of tasks:");
            log.Write(AsyncIO.FormatCallGraph());
        });
        log.Print("the group is done: every task has ended");
    }

    private static async Task<int> FetchAsync(PartLog log, string name, int seconds, CancellationToken cancellationToken)
    {
        await AsyncIO.SleepAsync(TimeSpan.FromSeconds(seconds), cancellationToken); // awaits network -> suspended
        log.Print($"{name}: I/O ready, resumed, runs until its next await (here: its end)");
        return seconds;
    }

    // 3 and 4. CPU-bound code blocks the entire loop: a heartbeat task that beats every 10 ms stops beating while 300 ms of
    //    CPU work run between two awaits, and debug mode reports the callback. Moved to a thread, the loop breathes.
    private static async Task CrunchAsync(PartLog log, List<SlowCallback> reports, bool offload)
    {
        log.Part(offload
            ? "4. the same work with AsyncIO.ToThreadAsync: the loop breathes"
            : "3. CPU-bound work between two awaits blocks the whole loop (debug mode: slow callbacks reported)");

        var beats = new List<long>();
        using var stop = new CancellationTokenSource(); // cancelled synchronously on the loop, below
        Task heartbeat = AsyncIO.CreateTask(async ct =>
        {
            while (!ct.IsCancellationRequested)
            {
                beats.Add(Stopwatch.GetTimestamp());
                await AsyncIO.SleepAsync(Beat, ct).ConfigureAwait(ConfigureAwaitOptions.ContinueOnCapturedContext | ConfigureAwaitOptions.SuppressThrowing);
            }
        }, "heartbeat", stop.Token);
        await AsyncIO.SleepAsync(TimeSpan.FromMilliseconds(50)); // the heartbeat is beating

        long start = Stopwatch.GetTimestamp();
        Task crunch = AsyncIO.CreateTask(async ct =>
        {
            await AsyncIO.SleepAsync(TimeSpan.Zero, ct);
            long sum = offload ? await AsyncIO.ToThreadAsync(() => BurnCpu(Crunch), ct) : BurnCpu(Crunch);
            await AsyncIO.SleepAsync(TimeSpan.Zero, ct);
            GC.KeepAlive(sum);
        }, "crunch");
        await crunch;
        long end = Stopwatch.GetTimestamp();
        await AsyncIO.SleepAsync(TimeSpan.FromMilliseconds(30)); // a few more beats
        CancelNow(stop);
        await heartbeat;

        double longestGap = beats.Zip(beats.Skip(1), (a, b) => Stopwatch.GetElapsedTime(a, b).TotalMilliseconds).Max();
        int beatsDuringCrunch = beats.Count(t => t > start && t < end);
        SlowCallback[] crunchReports = [.. reports.Where(r => r.TaskName == "crunch")];
        log.Write($"the heartbeat's longest gap between two beats: {longestGap:0} ms (it beats every {Beat.TotalMilliseconds:0} ms)");
        if (offload)
        {
            log.Write($"the heartbeat kept beating during the crunch: {beatsDuringCrunch >= 3}");
            log.Write($"slow-callback reports naming 'crunch': {crunchReports.Length}");
        }
        else
        {
            log.Write($"the heartbeat stood still for the whole crunch: {longestGap >= Crunch.TotalMilliseconds * 0.95}");
            log.Write($"slow-callback reports naming 'crunch': {crunchReports.Length}");
            foreach (SlowCallback report in crunchReports)
            {
                log.Write($"  {report}");
            }
        }
    }

    // CPU-bound work: arithmetic until the given time has passed (real time, so the sample takes as long on any machine).
    private static long BurnCpu(TimeSpan duration)
    {
        long sum = 0;
        long start = Stopwatch.GetTimestamp();
        for (long i = 0; Stopwatch.GetElapsedTime(start) < duration; i++)
        {
            sum += i * i % 7;
        }

        return sum;
    }

    // Cancel() on the loop runs the registrations right here, in this step (CancelAsync would run them on the thread pool).
    private static void CancelNow(CancellationTokenSource source) => source.Cancel();
}
