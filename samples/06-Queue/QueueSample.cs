using System.Globalization;
using System.Threading.Channels;
using AsyncNotes;

namespace AsyncNotes.Samples.Queues;

/// <summary>Section 6 of the notes, "asyncio.Queue — Producer/Consumer": <c>asyncio.Queue(maxsize=5)</c>, <c>task_done</c> and
/// <c>join</c>, shutdown instead of a <c>None</c> sentinel, <c>LifoQueue</c> and <c>PriorityQueue</c>, and the same pipeline on a
/// <see cref="Channel{T}"/>.</summary>
public static class QueueSample
{
    // Parts 1 to 3: one producer makes Items items, MakeTime each; three consumers process them.
    private const int Items = 15;
    private const int MaxSize = 5;
    private static readonly string[] Consumers = ["consumer 1", "consumer 2", "consumer 3"];
    private static readonly TimeSpan MakeTime = TimeSpan.FromSeconds(0.1);

    // How long item n takes to process: ProcessSeconds[n % 5], 0.6 s to 1.4 s, the same on every run.
    private static readonly double[] ProcessSeconds = [0.6, 1.2, 0.8, 1.4, 1.0];

    /// <summary>Runs every part of the sample, writing to <paramref name="output"/>. Part 5 shows a live progress display
    /// only when <paramref name="output"/> is an interactive console; its output is the same either way.</summary>
    public static void Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var log = new PartLog(output);

        // Parts 1 and 2 run on the virtual clock: exact times, the same output on every run.
        AsyncIO.Run(() => PipelinesOnTheVirtualClockAsync(log), EventLoopOptions.Virtual);

        // Part 3 runs on the real clock: ReadAllAsync resumes on the thread pool (see the README).
        AsyncIO.Run(() => ReadAllOnTheRealClockAsync(log));

        // Part 4 on the virtual clock again.
        AsyncIO.Run(() => OtherQueuesAsync(log), EventLoopOptions.Virtual);

        // Part 5: thousands of items in real time; it prints only totals that do not depend on timing. The live display only
        // when writing to the process's own console (the tour, dotnet run), never into a test's StringWriter.
        AsyncIO.Run(() => LongRun.RunAsync(log, showProgress: ReferenceEquals(output, Console.Out) && LongRun.CanShowProgress));
    }

    private static TimeSpan ProcessTime(int item) => TimeSpan.FromSeconds(ProcessSeconds[item % ProcessSeconds.Length]);

    private static async Task PipelinesOnTheVirtualClockAsync(PartLog log)
    {
        IReadOnlyList<TimelineSpanRecord> queueWaits = await WithAsyncQueueAsync(log);
        await WithChannelAsync(log, queueWaits);
    }

    private static async Task<IReadOnlyList<TimelineSpanRecord>> WithAsyncQueueAsync(PartLog log)
    {
        // 1. The notes' pipeline: the queue holds five items at most, so a producer faster than its consumers waits.
        log.Part($"1. AsyncQueue(maxSize: {MaxSize}): a producer makes {Items} items, three consumers process them");
        var q = new AsyncQueue<int>(maxSize: MaxSize);
        var timeline = new Timeline();

        async Task ConsumeAsync(string name, CancellationToken ct)
        {
            int handled = 0;

            // asyncio: `while True: item = await q.get()`, ended by a None sentinel. Here the loop ends at Shutdown().
            await foreach (int item in q.ReadAllAsync(ct))
            {
                try
                {
                    await AsyncIO.SleepAsync(ProcessTime(item), ct); // process the item
                    handled++;
                }
                finally
                {
                    q.TaskDone(); // q.task_done(): JoinAsync counts it
                }
            }

            log.Print($"{name}: shut down and empty, its await foreach ends ({handled} items)");
        }

        Task[] consumers = [.. Consumers.Select(name => AsyncIO.CreateTask(ct => ConsumeAsync(name, ct), name))];
        await ProduceAsync(log, timeline, q.TryPut, item => q.PutAsync(item));

        // join() waits for every TaskDone, not for an empty queue: five items are still queued, three in process.
        log.Print($"JoinAsync waits: {q.Count} items in the queue, {q.UnfinishedTasks} not yet marked done");
        await timeline.RecordAsync("q.JoinAsync()", () => q.JoinAsync());
        log.Print("JoinAsync returned: every item is marked done; Shutdown() instead of a None sentinel per consumer");
        q.Shutdown();
        await Task.WhenAll(consumers);

        try
        {
            await q.PutAsync(Items + 1);
        }
        catch (QueueShutDownException)
        {
            log.Print($"a put after Shutdown() throws {nameof(QueueShutDownException)}");
        }

        log.Write(timeline.ToGantt(48));
        return ProducerSpans(timeline);
    }

    private static async Task WithChannelAsync(PartLog log, IReadOnlyList<TimelineSpanRecord> queueWaits)
    {
        // 2. The BCL's answer: a bounded channel. The same producer; the readers loop on WaitToReadAsync and TryRead, which is
        // ReadAllAsync's own loop without its ConfigureAwait(false), so every step stays on the loop (part 3 has the rest).
        log.Part($"2. the same pipeline on Channel.CreateBounded<int>({MaxSize}): Writer.Complete(), WaitToReadAsync + TryRead");
        Channel<int> channel = Channel.CreateBounded<int>(MaxSize);
        var timeline = new Timeline();

        async Task ReadAsync(string name, CancellationToken ct)
        {
            int handled = 0;
            while (await channel.Reader.WaitToReadAsync(ct))
            {
                while (channel.Reader.TryRead(out int item))
                {
                    await AsyncIO.SleepAsync(ProcessTime(item), ct); // process the item; no task_done to call
                    handled++;
                }
            }

            log.Print($"{name}: completed and empty, WaitToReadAsync returns false ({handled} items)");
        }

        Task[] readers = [.. Consumers.Select(name => AsyncIO.CreateTask(ct => ReadAsync(name, ct), name))];
        // Await the ValueTask itself: its continuation then comes back through the loop's context. WriteAsync(item).AsTask()
        // would resume on the thread pool, where the loop cannot see it, and a virtual clock could jump ahead of it.
        await ProduceAsync(log, timeline, channel.Writer.TryWrite, async item => await channel.Writer.WriteAsync(item));

        // No join: Complete() right after the last write, and the work is done when the readers have drained the channel.
        log.Print($"Writer.Complete(): {channel.Reader.Count} items still in the channel; no JoinAsync, so wait for the readers");
        channel.Writer.Complete();
        await Task.WhenAll(readers);
        log.Print("every reader has ended");
        bool written = channel.Writer.TryWrite(Items + 1);
        try
        {
            await channel.Writer.WriteAsync(Items + 1);
        }
        catch (ChannelClosedException)
        {
            log.Print($"after Complete(), TryWrite returns {(written ? "true" : "false")} and WriteAsync throws {nameof(ChannelClosedException)}");
        }

        bool same = ProducerSpans(timeline).SequenceEqual(queueWaits);
        log.Write(same
            ? "The producer waited at the same instants as with AsyncQueue in part 1: the same backpressure."
            : "The producer did NOT wait at the same instants as with AsyncQueue in part 1.");
    }

    // The producer of parts 1 and 2: makes each item, then puts it. Written as asyncio's `await q.put(item)` would be
    // `await putAsync(item)`; it is split in two only to draw the waits: tryPut (put_nowait) puts the item at once when there
    // is room, and when the queue is full putAsync waits for room, recorded on the timeline.
    private static async Task ProduceAsync(PartLog log, Timeline timeline, Func<int, bool> tryPut, Func<int, Task> putAsync)
    {
        int waits = 0;
        TimeSpan waited = TimeSpan.Zero;
        using (timeline.Start("producer"))
        {
            for (int item = 1; item <= Items; item++)
            {
                await AsyncIO.SleepAsync(MakeTime); // make the item
                if (!tryPut(item))
                {
                    TimeSpan full = EventLoop.Current!.Elapsed;
                    await timeline.RecordAsync($"item {item} waits for room", () => putAsync(item));
                    waits++;
                    waited += EventLoop.Current.Elapsed - full;
                }
            }
        }

        log.Print($"producer: {Items} items put, {waits} of them after a wait for room ({Seconds(waited)}s in all)");
    }

    // The producer's row and its waits, to compare two runs.
    private static TimelineSpanRecord[] ProducerSpans(Timeline timeline) =>
        [.. timeline.Spans.Where(span => span.Name == "producer" || span.ParentName == "producer")];

    private static async Task ReadAllOnTheRealClockAsync(PartLog log)
    {
        // 3. The notes' one-liner, `await foreach (var item in channel.Reader.ReadAllAsync(ct))`. Its iterator awaits with
        // ConfigureAwait(false), so it resumes on the thread pool and the readers race there for each item: which reader
        // gets which item changes from run to run. On the real clock, with times a hundred times shorter; only totals printed.
        log.Part("3. the same pipeline with Reader.ReadAllAsync, on the real clock (it resumes on the thread pool)");
        Channel<int> channel = Channel.CreateBounded<int>(MaxSize);
        int[] timesRead = new int[Items + 1];

        async Task ReadAsync(CancellationToken ct)
        {
            await foreach (int item in channel.Reader.ReadAllAsync(ct))
            {
                // The body itself is back on the loop: `await foreach` captured the loop's context.
                await AsyncIO.SleepAsync(ProcessTime(item) / 100, ct);
                timesRead[item]++;
            }
        }

        Task[] readers = [.. Consumers.Select(name => AsyncIO.CreateTask(ReadAsync, name))];
        for (int item = 1; item <= Items; item++)
        {
            await AsyncIO.SleepAsync(MakeTime / 100);
            await channel.Writer.WriteAsync(item);
        }

        channel.Writer.Complete();
        await Task.WhenAll(readers);
        string once = timesRead.Skip(1).All(count => count == 1) ? "each exactly once" : "NOT each exactly once";
        log.Write($"{Items} items written, {timesRead.Sum()} read by {readers.Length} readers, {once}");
        log.Write("Writer.Complete(): every reader's await foreach ended once the channel was empty");
    }

    private static async Task OtherQueuesAsync(PartLog log)
    {
        // 4. The rest of the family, briefly.
        log.Part("4. put_nowait and get_nowait, LifoQueue, PriorityQueue, shutdown(immediate=True)");

        var q = new AsyncQueue<string>(maxSize: 3);
        string puts = string.Join(", ", "abcd".Select(letter => q.TryPut(letter.ToString()) ? "true" : "false"));
        log.Write($"AsyncQueue(maxSize: 3): TryPut a, b, c, d returns {puts} (d: full, asyncio's QueueFull)");
        var got = new List<string>();
        while (q.TryGet(out string? item))
        {
            got.Add(item);
        }

        log.Write($"TryGet until it returns false: {string.Join(", ", got)} (then empty: asyncio's QueueEmpty)");

        var lifo = new AsyncLifoQueue<int>();
        for (int item = 1; item <= 5; item++)
        {
            _ = lifo.TryPut(item);
        }

        log.Write($"AsyncLifoQueue: put 1, 2, 3, 4, 5; get {string.Join(", ", Drain(lifo))}");

        var jobs = new AsyncPriorityQueue<string, int>();
        _ = jobs.TryPut("rotate logs", 2);
        _ = jobs.TryPut("page on-call", 0);
        _ = jobs.TryPut("send report", 1);
        _ = jobs.TryPut("backup", 2);
        log.Write("AsyncPriorityQueue<string, int>: put rotate logs (2), page on-call (0), send report (1), backup (2); get");
        foreach ((string job, int priority) in Drain(jobs))
        {
            log.Write($"  {priority} {job}");
        }

        log.Write("  (equal priorities first in, first out: rotate logs before backup)");

        // A waiting getter is woken by the first put, but takes the smallest item present when it runs.
        var numbers = new AsyncPriorityQueue<int>();
        Task<int> getter = numbers.GetAsync();
        _ = numbers.TryPut(5);
        _ = numbers.TryPut(1);
        _ = numbers.TryPut(3);
        log.Write($"AsyncPriorityQueue<int>: a getter waits; 5, 1 and 3 are put in one turn; it gets {await getter}");

        var work = new AsyncQueue<int>();
        for (int item = 1; item <= 3; item++)
        {
            _ = work.TryPut(item);
        }

        Task join = work.JoinAsync();
        work.Shutdown(immediate: true);
        await join;
        log.Write($"Shutdown(immediate: true) with 3 items queued: {work.Count} left, {work.UnfinishedTasks} unfinished, JoinAsync returned");
        try
        {
            _ = await work.GetAsync();
        }
        catch (QueueShutDownException)
        {
            log.Write($"and a get throws {nameof(QueueShutDownException)}");
        }
    }

    private static List<T> Drain<T>(AsyncQueue<T> queue)
    {
        var items = new List<T>();
        while (queue.TryGet(out T? item))
        {
            items.Add(item);
        }

        return items;
    }

    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
