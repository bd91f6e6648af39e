using AsyncNotes.Tests.Infrastructure;
using static AsyncNotes.Tests.Infrastructure.TestLoop;

namespace AsyncNotes.Tests.Conformance;

// Twins of CPython's own traces (section 0 to 3): each log must equal, line by line, what CPython's loop printed for the same
// program ("t=<virtual seconds> <event>"). Where .NET differs by design, the test says so and shows the difference.
public sealed class AsyncioTraceTests
{
    private static void Log(EventLog log, string entry) =>
        log.Add(FormattableString.Invariant($"t={Current.Elapsed.TotalSeconds:0.000} {entry}"));

    // 01_sleep0_interleave
    [Fact]
    public void Trace01_Sleep0Interleave()
    {
        var log = new EventLog();
        RunVirtual(async () =>
        {
            async Task WorkerAsync(string name, int steps, CancellationToken ct)
            {
                for (int i = 0; i < steps; i++)
                {
                    Log(log, $"{name} step {i}");
                    await AsyncIO.SleepAsync(TimeSpan.Zero, ct);
                }

                Log(log, $"{name} done");
            }

            Task[] tasks = [.. new[] { ("A", 3), ("B", 1), ("C", 2) }.Select(w => AsyncIO.CreateTask(ct => WorkerAsync(w.Item1, w.Item2, ct)))];
            Log(log, "main created A, B, C");
            for (int i = 0; i < 4; i++)
            {
                await AsyncIO.SleepAsync(TimeSpan.Zero);
                Log(log, $"main tick {i}");
            }

            foreach (Task t in tasks)
            {
                await t;
            }

            Log(log, "main done");
        });

        log.Entries.Should().Equal(
            "t=0.000 main created A, B, C", "t=0.000 A step 0", "t=0.000 B step 0", "t=0.000 C step 0", "t=0.000 main tick 0",
            "t=0.000 A step 1", "t=0.000 B done", "t=0.000 C step 1", "t=0.000 main tick 1", "t=0.000 A step 2", "t=0.000 C done",
            "t=0.000 main tick 2", "t=0.000 A done", "t=0.000 main tick 3", "t=0.000 main done");
    }

    // 02_create_task_start_order
    [Fact]
    public void Trace02_CreateTaskStartOrder()
    {
        var log = new EventLog();
        RunVirtual(async () =>
        {
            async Task ChildAsync(string name, CancellationToken ct)
            {
                Log(log, $"{name} start");
                await AsyncIO.SleepAsync(TimeSpan.Zero, ct);
                Log(log, $"{name} after yield");
            }

            Task a = AsyncIO.CreateTask(ct => ChildAsync("A", ct));
            Log(log, "main created A");
            Task b = AsyncIO.CreateTask(ct => ChildAsync("B", ct));
            Log(log, "main created B");
            await AsyncIO.SleepAsync(TimeSpan.Zero);
            Log(log, "main after first yield");
            await AsyncIO.SleepAsync(TimeSpan.Zero);
            Log(log, "main after second yield");
            await a;
            await b;
            Log(log, "main done");
        });

        log.Entries.Should().Equal(
            "t=0.000 main created A", "t=0.000 main created B", "t=0.000 A start", "t=0.000 B start",
            "t=0.000 main after first yield", "t=0.000 A after yield", "t=0.000 B after yield", "t=0.000 main after second yield",
            "t=0.000 main done");
    }

    // 03_call_soon_vs_future_waiters. A by-design difference, shown: the future here is a raw TaskCompletionSource, whose
    // awaiters the runtime schedules W2 before W1 (observed on .NET 10); everything else matches CPython line by line. The
    // waiters AsyncNotes builds itself (WaiterQueue, on the loop's Future) are woken first come, first served.
    [Fact]
    public void Trace03_CallSoonVersusFutureWaiters()
    {
        var log = new EventLog();
        RunVirtual(async () =>
        {
            var fut = new TaskCompletionSource<int>();
            async Task WaiterAsync(string name)
            {
                Log(log, $"{name} waiting");
                int v = await fut.Task;
                Log(log, $"{name} woke with {v}");
            }

            Task w1 = AsyncIO.CreateTask(_ => WaiterAsync("W1"));
            Task w2 = AsyncIO.CreateTask(_ => WaiterAsync("W2"));
            await AsyncIO.SleepAsync(TimeSpan.Zero);
            SynchronizationContext loop = SynchronizationContext.Current!;
            loop.Post(_ => Log(log, "cb1 (queued before set_result)"), null);
            fut.SetResult(42);
            loop.Post(_ => Log(log, "cb2 (queued after set_result)"), null);
            Log(log, "main after set_result");
            await AsyncIO.SleepAsync(TimeSpan.Zero);
            Log(log, "main resumed");
            await w1;
            await w2;
            Log(log, "main done");
        });

        log.Entries.Should().Equal(
            "t=0.000 W1 waiting", "t=0.000 W2 waiting", "t=0.000 main after set_result", "t=0.000 cb1 (queued before set_result)",
            "t=0.000 W2 woke with 42", "t=0.000 W1 woke with 42", "t=0.000 cb2 (queued after set_result)", "t=0.000 main resumed",
            "t=0.000 main done");
    }

    // 04_await_chain_bystander
    [Fact]
    public void Trace04_AwaitChainBystander()
    {
        var log = new EventLog();
        RunVirtual(async () =>
        {
            Task<string> tc = AsyncIO.CreateTask(async ct =>
            {
                await AsyncIO.SleepAsync(Seconds(1), ct);
                Log(log, "C returning; queues bystander");
                SynchronizationContext.Current!.Post(_ => Log(log, "bystander callback"), null);
                return "c";
            });
            Task<string> tb = AsyncIO.CreateTask(async _ =>
            {
                string r = await tc;
                Log(log, $"B got {r}");
                return "b";
            });
            Task<string> ta = AsyncIO.CreateTask(async _ =>
            {
                string r = await tb;
                Log(log, $"A got {r}");
                return "a";
            });
            string result = await ta;
            Log(log, $"main got {result}");
            await AsyncIO.SleepAsync(TimeSpan.Zero);
            Log(log, "main done");
        });

        log.Entries.Should().Equal(
            "t=1.000 C returning; queues bystander", "t=1.000 bystander callback", "t=1.000 B got c", "t=1.000 A got b",
            "t=1.000 main got a", "t=1.000 main done");
    }

    // 06_gather_result_order
    [Fact]
    public void Trace06_GatherResultOrder()
    {
        var log = new EventLog();
        RunVirtual(async () =>
        {
            async Task<string> ChildAsync(string name, double delay, CancellationToken ct)
            {
                await AsyncIO.SleepAsync(Seconds(delay), ct);
                Log(log, $"{name} finished");
                return name.ToUpperInvariant();
            }

            Task<string> t1 = AsyncIO.CreateTask(ct => ChildAsync("x", 2, ct));
            Task<string> t2 = AsyncIO.CreateTask(ct => ChildAsync("y", 1, ct));
            Task<string> t3 = AsyncIO.CreateTask(ct => ChildAsync("z", 3, ct));
            string[] results = await AsyncIO.GatherAsync(t1, t2, t3);
            Log(log, $"results=[{string.Join(", ", results)}]");
        });

        log.Entries.Should().Equal("t=1.000 y finished", "t=2.000 x finished", "t=3.000 z finished", "t=3.000 results=[X, Y, Z]");
    }

    // 10_wait_first_completed_consecutive
    [Fact]
    public void Trace10_WaitFirstCompletedConsecutive()
    {
        var log = new EventLog();
        RunVirtual(async () =>
        {
            Task ta = AsyncIO.CreateTask(async ct =>
            {
                await AsyncIO.SleepAsync(Seconds(1), ct);
                Log(log, "A done");
            });
            Task tb = AsyncIO.CreateTask(async ct =>
            {
                await AsyncIO.SleepAsync(Seconds(1), ct);
                await AsyncIO.SleepAsync(TimeSpan.Zero, ct);
                Log(log, "B done");
            });
            var names = new Dictionary<Task, string> { [ta] = "A", [tb] = "B" };
            var (done, pending) = await AsyncIO.WaitAsync([ta, tb], ReturnWhen.FirstCompleted);
            Log(log, $"wait returned done=[{string.Join(", ", done.Select(t => names[t]).Order())}] pending=[{string.Join(", ", pending.Select(t => names[t]).Order())}]");
            if (pending.Count > 0)
            {
                await AsyncIO.WaitAsync(pending);
            }

            Log(log, "main done");
        });

        log.Entries.Should().Equal("t=1.000 A done", "t=1.000 B done", "t=1.000 wait returned done=[A, B] pending=[]", "t=1.000 main done");
    }

    // 14_as_completed_order
    [Fact]
    public void Trace14_AsCompletedOrder()
    {
        var log = new EventLog();
        RunVirtual(async () =>
        {
            Task<string>[] ts = [.. new[] { ("x", 3.0), ("y", 1.0), ("z", 2.0) }.Select(w => AsyncIO.CreateTask(ct => AsyncIO.SleepAsync(Seconds(w.Item2), w.Item1, ct)))];
            await foreach (Task<string> f in AsyncIO.AsCompleted(ts))
            {
                Log(log, $"got {await f}");
            }

            Log(log, "main done");
        });

        log.Entries.Should().Equal("t=1.000 got y", "t=2.000 got z", "t=3.000 got x", "t=3.000 main done");
    }

    // 18_cancel_same_turn_armed_first
    [Fact]
    public void Trace18_CancelSameTurnArmedFirst()
    {
        var log = new EventLog();
        RunVirtual(async () =>
        {
            using var cancel = new CancellationTokenSource();
            using ITimer canceller = Current.Time.CreateTimer(
                _ =>
                {
                    Log(log, "canceller fires");
                    cancel.Cancel();
                },
                null,
                Seconds(1),
                Timeout.InfiniteTimeSpan);
            Task<string> t = AsyncIO.CreateTask(
                async ct =>
                {
                    try
                    {
                        await AsyncIO.SleepAsync(Seconds(1), ct);
                        Log(log, "worker woke and returns");
                        return "done";
                    }
                    catch (OperationCanceledException)
                    {
                        Log(log, "worker cancelled");
                        throw;
                    }
                },
                cancellationToken: cancel.Token);
            try
            {
                string r = await t;
                Log(log, $"main: worker returned {r}");
            }
            catch (OperationCanceledException)
            {
                Log(log, "main: worker was cancelled");
            }
        });

        log.Entries.Should().Equal("t=1.000 canceller fires", "t=1.000 worker cancelled", "t=1.000 main: worker was cancelled");
    }

    // 31_timer_cancelled_after_due
    [Fact]
    public void Trace31_TimerCancelledAfterDue()
    {
        var log = new EventLog();
        RunVirtual(async () =>
        {
            ITimer? second = null;
            using ITimer first = Current.Time.CreateTimer(
                _ =>
                {
                    Log(log, "first fires and cancels second");
                    second!.Dispose();
                },
                null,
                Seconds(1),
                Timeout.InfiniteTimeSpan);
            second = Current.Time.CreateTimer(_ => Log(log, "second fires"), null, Seconds(1), Timeout.InfiniteTimeSpan);
            await AsyncIO.SleepAsync(Seconds(2));
            Log(log, "main done");
        });

        log.Entries.Should().Equal("t=1.000 first fires and cancels second", "t=2.000 main done");
    }

    // 33_wait_for_zero_timeout
    [Fact]
    public void Trace33_WaitForZeroTimeout()
    {
        var log = new EventLog();
        RunVirtual(async () =>
        {
            SynchronizationContext.Current!.Post(_ => Log(log, "bystander callback"), null);
            try
            {
                int r = await AsyncIO.WaitForAsync(
                    _ =>
                    {
                        Log(log, "work started");
                        return Task.FromResult(1);
                    },
                    TimeSpan.Zero);
                Log(log, $"wait_for returned {r}");
            }
            catch (TimeoutException)
            {
                Log(log, "wait_for(0) timed out");
            }

            await AsyncIO.SleepAsync(TimeSpan.Zero);
            Log(log, "main done");
        });

        log.Entries.Should().Equal("t=0.000 bystander callback", "t=0.000 wait_for(0) timed out", "t=0.000 main done");
    }
}
