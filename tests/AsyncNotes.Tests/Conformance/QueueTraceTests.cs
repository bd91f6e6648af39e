using AsyncNotes.Tests.Infrastructure;
using static AsyncNotes.Tests.Conformance.TraceLog;
using static AsyncNotes.Tests.Infrastructure.TestLoop;

namespace AsyncNotes.Tests.Conformance;

// Twins of CPython's queue traces (60-65): each log must equal, line by line, what CPython's loop printed, except one line
// of trace 65 that differs by design (the message of a comparison that fails). Python's ValueError from an extra task_done
// is InvalidOperationException here.
public sealed class QueueTraceTests
{
    // 60_queue_maxsize_backpressure (QU-02)
    [Fact]
    public void Trace60_BoundedQueue_PutWaitsForRoom_AndCompletesInTheInstantOfTheGet()
    {
        var log = new EventLog();
        RunVirtual(async () =>
        {
            var q = new AsyncQueue<int>(maxSize: 2);
            async Task ProducerAsync(CancellationToken ct)
            {
                for (int i = 1; i <= 5; i++)
                {
                    Log(log, $"P: put({i}) qsize={q.Count} full={Py(q.IsFull)}");
                    await q.PutAsync(i, ct);
                    Log(log, $"P: put({i}) done");
                }

                Log(log, "P: finished");
            }

            async Task ConsumerAsync(CancellationToken ct)
            {
                await AsyncIO.SleepAsync(Seconds(1), ct);
                while (true)
                {
                    int item = await q.GetAsync(ct);
                    Log(log, $"C: got {item}, qsize={q.Count}");
                    if (item == 5)
                    {
                        return;
                    }

                    await AsyncIO.SleepAsync(Seconds(1), ct);
                }
            }

            await AsyncIO.GatherAsync([AsyncIO.CreateTask(ProducerAsync), AsyncIO.CreateTask(ConsumerAsync)]);
            Log(log, "all done");
        });

        log.Entries.Should().Equal(
            "t=0.000 P: put(1) qsize=0 full=False",
            "t=0.000 P: put(1) done",
            "t=0.000 P: put(2) qsize=1 full=False",
            "t=0.000 P: put(2) done",
            "t=0.000 P: put(3) qsize=2 full=True",
            "t=1.000 C: got 1, qsize=1",
            "t=1.000 P: put(3) done",
            "t=1.000 P: put(4) qsize=2 full=True",
            "t=2.000 C: got 2, qsize=1",
            "t=2.000 P: put(4) done",
            "t=2.000 P: put(5) qsize=2 full=True",
            "t=3.000 C: got 3, qsize=1",
            "t=3.000 P: put(5) done",
            "t=3.000 P: finished",
            "t=4.000 C: got 4, qsize=1",
            "t=5.000 C: got 5, qsize=0",
            "t=5.000 all done");
    }

    // 62_queue_cancelled_get (QU-05, QU-07)
    [Fact]
    public void Trace62_CancelledGetters_TakeNothing_AndAWokenOneThatIsCancelledPassesTheItemOn()
    {
        var log = new EventLog();
        RunVirtual(async () =>
        {
            var q = new AsyncQueue<string>();
            Task GetterAsync(string name, double arrive, CancellationToken token) => AsyncIO.CreateTask(
                async _ =>
                {
                    await AsyncIO.SleepAsync(Seconds(arrive), token);
                    Log(log, $"{name}: waiting");
                    string item;
                    try
                    {
                        item = await q.GetAsync(token);
                    }
                    catch (OperationCanceledException)
                    {
                        Log(log, $"{name}: get cancelled, qsize={q.Count}");
                        throw;
                    }

                    Log(log, $"{name}: got '{item}'");
                },
                cancellationToken: CancellationToken.None);

            using var cancelG1 = new CancellationTokenSource();
            using var cancelG3 = new CancellationTokenSource();
            Task g1 = GetterAsync("G1", 0.25, cancelG1.Token);
            Task g2 = GetterAsync("G2", 0.5, default);
            await AsyncIO.SleepAsync(Seconds(1));
            cancelG1.CancelOnLoop();
            Log(log, "main: cancelled G1");
            await AsyncIO.SleepAsync(Seconds(1));
            _ = q.TryPut("x");
            Log(log, "main: put x");
            _ = await AsyncIO.WaitAsync([g1, g2]);
            Task g3 = GetterAsync("G3", 0.25, cancelG3.Token);
            Task g4 = GetterAsync("G4", 0.5, default);
            await AsyncIO.SleepAsync(Seconds(1));
            _ = q.TryPut("y");
            cancelG3.CancelOnLoop();
            Log(log, "main: put y (G3 woken), cancelled G3");
            _ = await AsyncIO.WaitAsync([g3, g4]);
            Log(log, $"main: G1.cancelled={Py(g1.IsCanceled)} G3.cancelled={Py(g3.IsCanceled)} qsize={q.Count}");
        });

        log.Entries.Should().Equal(
            "t=0.250 G1: waiting",
            "t=0.500 G2: waiting",
            "t=1.000 main: cancelled G1",
            "t=1.000 G1: get cancelled, qsize=0",
            "t=2.000 main: put x",
            "t=2.000 G2: got 'x'",
            "t=2.250 G3: waiting",
            "t=2.500 G4: waiting",
            "t=3.000 main: put y (G3 woken), cancelled G3",
            "t=3.000 G3: get cancelled, qsize=1",
            "t=3.000 G4: got 'y'",
            "t=3.000 main: G1.cancelled=True G3.cancelled=True qsize=0");
    }

    // 64_queue_task_done_join (QU-13)
    [Fact]
    public void Trace64_JoinWaitsForTaskDoneNotForAnEmptyQueue_AndAnExtraTaskDoneThrows()
    {
        var log = new EventLog();
        RunVirtual(async () =>
        {
            var q = new AsyncQueue<(string Item, double Seconds)>();
            async Task WorkerAsync(string name, CancellationToken ct)
            {
                while (true)
                {
                    (string item, double d) = await q.GetAsync(ct);
                    Log(log, $"{name}: got {item}");
                    await AsyncIO.SleepAsync(Seconds(d), ct);
                    Log(log, $"{name}: task_done({item})");
                    q.TaskDone();
                }
            }

            SynchronizationContext.Current!.Post(_ => Log(log, "callback queued before join()"), null);
            await q.JoinAsync();
            Log(log, "main: join() on a fresh queue returned");
            foreach ((string, double) entry in new[] { ("a", 1.0), ("b", 0.5), ("c", 2.0) })
            {
                _ = q.TryPut(entry);
            }

            Task j = AsyncIO.CreateTask(async ct =>
            {
                await q.JoinAsync(ct);
                Log(log, "J: join() returned");
            });
            using var stopWorkers = new CancellationTokenSource();
            Task[] ws = [AsyncIO.CreateTask(ct => WorkerAsync("W1", ct), cancellationToken: stopWorkers.Token), AsyncIO.CreateTask(ct => WorkerAsync("W2", ct), cancellationToken: stopWorkers.Token)];
            await AsyncIO.SleepAsync(Seconds(1.5));
            Log(log, $"main: empty={Py(q.IsEmpty)} join done={Py(j.IsCompleted)}");
            await j;
            try
            {
                q.TaskDone();
            }
            catch (InvalidOperationException e)
            {
                Log(log, $"main: extra task_done(): ValueError({e.Message})");
            }

            stopWorkers.CancelOnLoop();
            _ = await AsyncIO.WaitAsync(ws);
        });

        log.Entries.Should().Equal(
            "t=0.000 main: join() on a fresh queue returned",
            "t=0.000 callback queued before join()",
            "t=0.000 W1: got a",
            "t=0.000 W2: got b",
            "t=0.500 W2: task_done(b)",
            "t=0.500 W2: got c",
            "t=1.000 W1: task_done(a)",
            "t=1.500 main: empty=True join done=False",
            "t=2.500 W2: task_done(c)",
            "t=2.500 J: join() returned",
            "t=2.500 main: extra task_done(): ValueError(task_done() called too many times)");
    }

    // 65_queue_lifo_priority_order (QU-11, QU-12). By design, one line differs: .NET's comparer reports an item it cannot
    // compare with its own message (ArgumentException), where Python raises TypeError('<' not supported ...).
    [Fact]
    public void Trace65_LifoNewestFirst_PrioritySmallestFirst_AWaitingGetterGetsTheSmallestPresent()
    {
        var log = new EventLog();
        RunVirtual(async () =>
        {
            static List<T> Drain<T>(AsyncQueue<T> q)
            {
                var items = new List<T>();
                while (q.TryGet(out T? item))
                {
                    items.Add(item);
                }

                return items;
            }

            var lifo = new AsyncLifoQueue<string>();
            foreach (char x in "abc")
            {
                _ = lifo.TryPut(x.ToString());
            }

            Log(log, $"LifoQueue: [{string.Join(", ", Drain(lifo).Select(x => $"'{x}'"))}]");
            var pq = new AsyncPriorityQueue<(int Priority, int Sequence, string Name)>();
            int seq = 0;
            foreach ((int prio, string name) in new[] { (2, "write"), (1, "read-1"), (2, "flush"), (1, "read-2"), (0, "urgent"), (2, "close") })
            {
                _ = pq.TryPut((prio, seq++, name));
            }

            Log(log, $"PriorityQueue with counter: [{string.Join(", ", Drain(pq).Select(e => $"'{e.Priority}:{e.Name}'"))}]");
            var plain = new AsyncPriorityQueue<(int, string)>();
            foreach ((int, string) item in new[] { (1, "zeta"), (1, "alpha"), (0, "mid") })
            {
                _ = plain.TryPut(item);
            }

            Log(log, $"PriorityQueue without counter: [{string.Join(", ", Drain(plain).Select(e => $"({e.Item1}, '{e.Item2}')"))}]");
            var dicts = new AsyncPriorityQueue<(int, Dictionary<string, int>)>();
            _ = dicts.TryPut((1, new Dictionary<string, int> { ["x"] = 1 }));
            try
            {
                _ = dicts.TryPut((1, new Dictionary<string, int> { ["y"] = 2 }));
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                Log(log, $"equal priorities, dict payloads: {e.GetType().Name}");
            }

            var q = new AsyncPriorityQueue<int>();
            Task<int> g = AsyncIO.CreateTask(q.GetAsync);
            await AsyncIO.SleepAsync(TimeSpan.Zero);
            foreach (int item in new[] { 3, 1, 2 })
            {
                _ = q.TryPut(item);
            }

            Log(log, "main: put 3, 1, 2 while a getter waits");
            int received = await g;
            Log(log, $"getter received {received}; left: [{string.Join(", ", Drain(q))}]");
        });

        log.Entries.Should().Equal(
            "t=0.000 LifoQueue: ['c', 'b', 'a']",
            "t=0.000 PriorityQueue with counter: ['0:urgent', '1:read-1', '1:read-2', '2:write', '2:flush', '2:close']",
            "t=0.000 PriorityQueue without counter: [(0, 'mid'), (1, 'alpha'), (1, 'zeta')]",
            "t=0.000 equal priorities, dict payloads: ArgumentException", // CPython: TypeError('<' not supported between instances of 'dict' and 'dict')
            "t=0.000 main: put 3, 1, 2 while a getter waits",
            "t=0.000 getter received 1; left: [2, 3]");
    }
}
