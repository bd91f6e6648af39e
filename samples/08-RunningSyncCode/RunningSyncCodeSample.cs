using System.Diagnostics;
using System.Globalization;
using AsyncNotes;

namespace AsyncNotes.Samples.RunningSyncCode;

/// <summary>Section 8 of the notes, "Running Sync Code in Async Context": <c>loop.run_in_executor</c>,
/// <c>asyncio.to_thread</c>, a <c>ThreadPoolExecutor</c>, and CPU-bound work, which in .NET needs threads, not processes.</summary>
public static class RunningSyncCodeSample
{
    // Part 1's blocking call, and the ticker that shows whether the loop is free meanwhile.
    private static readonly TimeSpan BlockingTime = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(10);

    // asyncio's debug-mode default: a callback that holds the loop this long is reported.
    private static readonly TimeSpan SlowCallbackDuration = TimeSpan.FromMilliseconds(100);

    // Part 3: cpu_bench.py's chunks, then chunks five times bigger, so that C#'s runs last long enough to time.
    private const long PythonChunkSize = 2_500_000;
    private const long ChunkSize = 12_500_000;

    private const int LabelWidth = 42;

    /// <summary>Runs every part of the sample, writing to <paramref name="output"/>. The real-time figures (times, speed-ups,
    /// ticks, the number of cores) change from run to run; the README shows them as <c>&lt;measured&gt;</c>.</summary>
    public static void Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var log = new PartLog(output);

        // Real time throughout: the point is what real blocking does to the loop. asyncio's debug mode is on, its
        // slow-callback part: every callback is timed, and one that holds the loop 100 ms or more is reported.
        var reports = new List<SlowCallback>();
        var options = new EventLoopOptions { SlowCallbackDuration = SlowCallbackDuration, SlowCallbackHandler = reports.Add };
        AsyncIO.Run(() => RunPartsAsync(log, reports), options);
    }

    private static async Task RunPartsAsync(PartLog log, List<SlowCallback> reports)
    {
        // A task that ticks every 10 ms whenever the loop is free to run it. Left running: AsyncIO.Run cancels it when main
        // returns, as asyncio.run cancels the tasks left.
        var ticker = new Ticker();
        AsyncIO.CreateTask(ticker.RunAsync, name: "ticker").Forget();
        await AsyncIO.SleepAsync(TickInterval * 3); // the ticker is under way before anything blocks

        await BlockingCallAsync(log, ticker, reports);
        await CappedExecutorAsync(log);
        await ShutdownAsync(log);
        await CpuBoundAsync(log, ticker);
    }

    // blocking_db_call(arg1): a synchronous driver's call, which holds its thread until the answer comes.
    private static string BlockingDbCall(int id)
    {
        Thread.Sleep(BlockingTime);
        return $"row {id}";
    }

    private static async Task BlockingCallAsync(PartLog log, Ticker ticker, List<SlowCallback> reports)
    {
        // 1. The notes' fetch_sync_data: the same blocking call on the loop, then on a thread.
        log.Part($"1. a blocking call of {BlockingTime.TotalMilliseconds:0} ms; a ticker task ticks every {TickInterval.TotalMilliseconds:0} ms meanwhile");

        // (a) The mistake: called on the loop, it holds the loop thread; no other task runs until it returns.
        int before = ticker.Ticks;
        int reportsBefore = reports.Count;
        string row = BlockingDbCall(1);
        int ticks = ticker.Ticks - before;
        await AsyncIO.SleepAsync(TimeSpan.Zero); // asyncio.sleep(0): ends this step, which the loop then times and reports
        log.Write($"{"called on the loop",-LabelWidth}{row}; the ticker ticked {ticks} times: the loop stood still");
        log.Write($"{"",-LabelWidth}debug mode: {MainReport(reports, reportsBefore)}");

        // (b) asyncio.to_thread(blocking_db_call, 2): on a thread-pool thread; the loop goes on meanwhile.
        before = ticker.Ticks;
        row = await AsyncIO.ToThreadAsync(() => BlockingDbCall(2));
        log.Write($"{"AsyncIO.ToThreadAsync(f)",-LabelWidth}{row}; the ticker ticked {ticker.Ticks - before} times");

        // (c) loop.run_in_executor(None, blocking_db_call, 3): None is the default executor, the thread pool.
        before = ticker.Ticks;
        row = await AsyncIO.RunInExecutorAsync(null, () => BlockingDbCall(3));
        log.Write($"{"AsyncIO.RunInExecutorAsync(null, f)",-LabelWidth}{row}; the ticker ticked {ticker.Ticks - before} times");
    }

    private static async Task CappedExecutorAsync(PartLog log)
    {
        // 2. A ThreadPoolExecutor of two: five blocking queries, two run, three wait in its queue, first in first out.
        // Each query blocks until the sample lets the database answer it, so every line below is the same on every run.
        log.Part("2. ThreadPoolExecutor(maxWorkers: 2): five blocking queries, each blocking until the database answers it");
        using var db = new GatedDatabase(5);
        await using (var pool = new ThreadPoolExecutor(maxWorkers: 2))
        {
            Task<string>[] queries = [.. Enumerable.Range(1, 5).Select(n => AsyncIO.RunInExecutorAsync(pool, () => db.Query(n)))];
            await db.StartedAsync(1);
            await db.StartedAsync(2);
            log.Write($"queries 1 to 5 submitted: {db.Running} run, {pool.QueuedCount} wait in the queue (QueuedCount)");

            for (int n = 1; n <= 3; n++)
            {
                db.Answer(n);
                string rows = await queries[n - 1];
                await db.StartedAsync(n + 2);
                log.Write($"query {n} answered ({rows}): query {n + 2} starts; {db.Running} run, {pool.QueuedCount} wait");
            }

            db.Answer(4);
            db.Answer(5);
            string[] all = await AsyncIO.GatherAsync(queries);
            log.Write($"queries 4 and 5 answered: {all.Length} results, in order; never more than {db.HighWater} queries ran at once");
        } // DisposeAsync: ShutdownAsync(), the end of `with ThreadPoolExecutor(max_workers=2) as pool:`
    }

    private static async Task ShutdownAsync(PartLog log)
    {
        // 2, continued. shutdown(cancel_futures=True): the queued work is cancelled, the running work finishes.
        using var db = new GatedDatabase(4);
        await using var pool = new ThreadPoolExecutor(maxWorkers: 2);
        Task<string>[] queries = [.. Enumerable.Range(1, 4).Select(n => AsyncIO.RunInExecutorAsync(pool, () => db.Query(n)))];
        await db.StartedAsync(1);
        await db.StartedAsync(2);
        log.Write($"a new pool, queries 1 to 4 submitted: {db.Running} run, {pool.QueuedCount} wait; then ShutdownAsync(cancelFutures: true):");
        Task shutdown = pool.ShutdownAsync(cancelFutures: true);
        log.Write($"  query 3: {await OutcomeAsync(queries[2])}; query 4: {await OutcomeAsync(queries[3])}");
        log.Write(shutdown.IsCompleted ? "  ShutdownAsync has completed already" : $"  ShutdownAsync waits: queries {db.Running} still run");
        try
        {
            _ = pool.Submit(() => "never runs");
        }
        catch (InvalidOperationException refused)
        {
            log.Write($"  Submit throws InvalidOperationException: \"{refused.Message}\"");
        }

        db.Answer(1);
        db.Answer(2);
        await shutdown;
        log.Write($"  queries 1 and 2 answered ({await queries[0]}, {await queries[1]}): ShutdownAsync completes");
    }

    private static async Task<string> OutcomeAsync(Task<string> query)
    {
        try
        {
            return await query;
        }
        catch (OperationCanceledException)
        {
            return "cancelled, never ran";
        }
    }

    private static async Task CpuBoundAsync(PartLog log, Ticker ticker)
    {
        // 3. The notes' compute(): CPU-bound chunks. Python needs a ProcessPoolExecutor (the GIL lets one thread at a time
        // run Python code); C# has no GIL, so threads are the way: ToThreadAsync, an executor, or Parallel.For.
        int cores = Environment.ProcessorCount;
        log.Part(Invariant($"3. CPU-bound work in {CpuWork.Chunks} chunks, on this machine's {cores} cores"));

        long start = Stopwatch.GetTimestamp();
        long pythonTotal = await AsyncIO.ToThreadAsync(() => CpuWork.Sequential(PythonChunkSize));
        TimeSpan pythonWork = Stopwatch.GetElapsedTime(start);
        log.Write(Invariant($"cpu_bench.py's work ({CpuWork.Chunks} chunks of {PythonChunkSize:N0}), one chunk after another: total {pythonTotal:N0}, in {pythonWork.TotalMilliseconds:0} ms"));
        log.Write(Invariant($"five times that work, in chunks of {ChunkSize:N0}, five ways (pool: a ThreadPoolExecutor of {cores}):"));

        await using var pool = new ThreadPoolExecutor(maxWorkers: cores);
        (string Label, Func<Task<long>> Work)[] ways =
        [
            // The mistake: on the loop, every chunk runs in main's step, and nothing else runs until the last one ends.
            ("on the loop, one chunk after another", () => Task.FromResult(CpuWork.Sequential(ChunkSize))),

            // Off the loop, but on one thread: the loop is free, the work takes as long. The baseline of the speed-ups.
            ("ToThreadAsync, one chunk after another", () => AsyncIO.ToThreadAsync(() => CpuWork.Sequential(ChunkSize))),

            // asyncio.gather(*(asyncio.to_thread(cpu_heavy_fn, chunk) for chunk in ...)): eight threads' worth of work.
            ($"{CpuWork.Chunks} × ToThreadAsync, gathered", async () => (await AsyncIO.GatherAsync(Chunked(chunk => AsyncIO.ToThreadAsync(() => CpuWork.Chunk(chunk, ChunkSize))))).Sum()),

            // The notes' `with ProcessPoolExecutor() as pool: await loop.run_in_executor(pool, cpu_heavy_fn, data)`, on threads.
            ($"{CpuWork.Chunks} × RunInExecutorAsync(pool), gathered", async () => (await AsyncIO.GatherAsync(Chunked(chunk => AsyncIO.RunInExecutorAsync(pool, () => CpuWork.Chunk(chunk, ChunkSize))))).Sum()),

            // Parallel.For blocks its calling thread until every chunk is done: call it off the loop too.
            ("ToThreadAsync(() => Parallel.For(...))", () => AsyncIO.ToThreadAsync(() => CpuWork.ParallelFor(ChunkSize))),
        ];

        var runs = new List<(string Label, TimeSpan Took, int Ticks, long Total)>();
        foreach ((string label, Func<Task<long>> work) in ways)
        {
            int before = ticker.Ticks;
            start = Stopwatch.GetTimestamp();
            long total = await work();
            runs.Add((label, Stopwatch.GetElapsedTime(start), ticker.Ticks - before, total));
        }

        TimeSpan baseline = runs[1].Took;
        for (int i = 0; i < runs.Count; i++)
        {
            (string label, TimeSpan took, int ticks, _) = runs[i];
            string speedUp = i == 1 ? "1.0x, the baseline" : Invariant($"{baseline / took:0.0}x");
            string stoodStill = i == 0 ? ": the loop stood still" : "";
            log.Write(Invariant($"{label,-LabelWidth}{took.TotalMilliseconds:0} ms, {speedUp}; the ticker ticked {ticks} times{stoodStill}"));
        }

        long[] totals = [.. runs.Select(run => run.Total).Distinct()];
        log.Write(Invariant($"every way computed the same total: {(totals.Length == 1 ? totals[0].ToString("N0", CultureInfo.InvariantCulture) : "NO")}"));
    }

    private static IEnumerable<Task<long>> Chunked(Func<int, Task<long>> start) => Enumerable.Range(0, CpuWork.Chunks).Select(start);

    // The longest slow-callback report of main's since the given count of reports, if there is one.
    private static SlowCallback? FindMainReport(List<SlowCallback> reports, int since) =>
        reports.Skip(since).Where(report => report.TaskName == "main").MaxBy(report => report.Duration);

    private static string MainReport(List<SlowCallback> reports, int since) =>
        FindMainReport(reports, since)?.ToString() ?? "no slow-callback report";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>A loop task that counts its ticks: while it ticks, the loop is free.</summary>
    private sealed class Ticker
    {
        /// <summary>The ticks so far (read and written on the loop thread only).</summary>
        public int Ticks { get; private set; }

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                await AsyncIO.SleepAsync(TickInterval, cancellationToken);
                Ticks++;
            }
        }
    }
}
