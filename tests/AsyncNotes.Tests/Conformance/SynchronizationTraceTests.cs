using AsyncNotes.Tests.Infrastructure;
using static AsyncNotes.Tests.Conformance.TraceLog;
using static AsyncNotes.Tests.Infrastructure.TestLoop;

namespace AsyncNotes.Tests.Conformance;

// Twins of CPython's traces of the synchronisation primitives (47-58): each log must equal, line by line, what CPython's loop
// printed. asyncio.gather of coroutines is a CreateTask per coroutine (lazy start) and GatherAsync over the tasks; Python's
// ValueError from an over-released BoundedSemaphore is SemaphoreFullException here, RuntimeError is InvalidOperationException.
public sealed class SynchronizationTraceTests
{
#pragma warning disable AN0004 // the traces start a handful of tasks, all at once on purpose: that is the order under test
    private static Task GatherAsync(params Func<CancellationToken, Task>[] work) =>
        AsyncIO.GatherAsync(work.Select(w => AsyncIO.CreateTask(w)).ToArray());
#pragma warning restore AN0004

    // 47_semaphore_fifo_wakeup (SE-02, SE-07)
    [Fact]
    public void Trace47_SemaphoreServesWaitersInArrivalOrder_ReleaseHandsThePermitOver()
    {
        var log = new EventLog();
        RunVirtual(async () =>
        {
            var sem = new AsyncSemaphore(2);
            async Task WorkerAsync(string name, double arrive, double hold, CancellationToken ct)
            {
                await AsyncIO.SleepAsync(Seconds(arrive), ct);
                Log(log, $"{name}: acquiring (locked={Py(sem.IsLocked)})");
                using (await sem.AcquireAsync(ct))
                {
                    Log(log, $"{name}: acquired");
                    await AsyncIO.SleepAsync(Seconds(hold), ct);
                }

                Log(log, $"{name}: released (locked={Py(sem.IsLocked)})");
            }

            (string, double, double)[] plan = [("W0", 0, 1), ("W1", 0, 1.75), ("W2", 0.75, 0.5), ("W3", 0.25, 0.25), ("W4", 0.5, 2)];
            await GatherAsync([.. plan.Select(p => (Func<CancellationToken, Task>)(ct => WorkerAsync(p.Item1, p.Item2, p.Item3, ct)))]);
            Log(log, $"all done (locked={Py(sem.IsLocked)})");
        });

        log.Entries.Should().Equal(
            "t=0.000 W0: acquiring (locked=False)",
            "t=0.000 W0: acquired",
            "t=0.000 W1: acquiring (locked=False)",
            "t=0.000 W1: acquired",
            "t=0.250 W3: acquiring (locked=True)",
            "t=0.500 W4: acquiring (locked=True)",
            "t=0.750 W2: acquiring (locked=True)",
            "t=1.000 W0: released (locked=True)",
            "t=1.000 W3: acquired",
            "t=1.250 W3: released (locked=True)",
            "t=1.250 W4: acquired",
            "t=1.750 W1: released (locked=True)",
            "t=1.750 W2: acquired",
            "t=2.250 W2: released (locked=False)",
            "t=3.250 W4: released (locked=False)",
            "t=3.250 all done (locked=False)");
    }

    // 48_semaphore_no_barging (SE-02)
    [Fact]
    public void Trace48_SemaphoreReleaseThenReacquire_QueuesBehindTheWaiters()
    {
        var log = new EventLog();
        RunVirtual(async () =>
        {
            var sem = new AsyncSemaphore(1);
            async Task WaiterAsync(string name, double arrive, double hold, CancellationToken ct)
            {
                await AsyncIO.SleepAsync(Seconds(arrive), ct);
                Log(log, $"{name}: acquiring");
                using (await sem.AcquireAsync(ct))
                {
                    Log(log, $"{name}: acquired");
                    await AsyncIO.SleepAsync(Seconds(hold), ct);
                }

                Log(log, $"{name}: released");
            }

            async Task HolderAsync(CancellationToken ct)
            {
                _ = await sem.AcquireAsync(ct);
                Log(log, "H: acquired");
                await AsyncIO.SleepAsync(Seconds(1), ct);
                sem.Release();
                Log(log, $"H: released (locked={Py(sem.IsLocked)}), re-acquiring at once");
                _ = await sem.AcquireAsync(ct);
                Log(log, "H: acquired again");
                sem.Release();
            }

            await GatherAsync(HolderAsync, ct => WaiterAsync("A", 0.25, 1, ct), ct => WaiterAsync("B", 0.5, 0.5, ct));
            Log(log, "all done");
        });

        log.Entries.Should().Equal(
            "t=0.000 H: acquired",
            "t=0.250 A: acquiring",
            "t=0.500 B: acquiring",
            "t=1.000 H: released (locked=True), re-acquiring at once",
            "t=1.000 A: acquired",
            "t=2.000 A: released",
            "t=2.000 B: acquired",
            "t=2.500 B: released",
            "t=2.500 H: acquired again",
            "t=2.500 all done");
    }

    // 50_boundedsemaphore_over_release (SE-06)
    [Fact]
    public void Trace50_PlainSemaphoreAcceptsExtraReleases_BoundedOneThrows_APermitHandedOverCountsAsTaken()
    {
        var log = new EventLog();
        RunVirtual(async () =>
        {
            async Task TakeWithoutWaitingAsync(AsyncSemaphore sem, string label)
            {
                int n = 0;
                while (!sem.IsLocked)
                {
                    _ = await sem.AcquireAsync();
                    n++;
                }

                Log(log, $"{label}: {n} acquire(s) succeeded without waiting");
            }

            var plain = new AsyncSemaphore(1);
            plain.Release();
            Log(log, "Semaphore(1).release() with nothing held: accepted");
            await TakeWithoutWaitingAsync(plain, "Semaphore(1)");

            var bounded = new AsyncSemaphore(2, bounded: true);
            _ = await bounded.AcquireAsync();
            bounded.Release();
            try
            {
                bounded.Release();
            }
            catch (SemaphoreFullException e)
            {
                Log(log, $"BoundedSemaphore(2) extra release: ValueError({e.Message.TrimEnd('.')})");
            }

            await TakeWithoutWaitingAsync(bounded, "BoundedSemaphore(2)");

            var one = new AsyncSemaphore(1, bounded: true);
            _ = await one.AcquireAsync();
            Task w = AsyncIO.CreateTask(async ct =>
            {
                using (await one.AcquireAsync(ct))
                {
                    Log(log, "W: acquired");
                }

                Log(log, "W: released (never)");
            });
            await AsyncIO.SleepAsync(Seconds(1));
            one.Release();
            one.Release();
            Log(log, "H: released twice (W was woken by the first): no error");
            try
            {
                await w;
            }
            catch (SemaphoreFullException e)
            {
                Log(log, $"W: its release raised ValueError({e.Message.TrimEnd('.')})");
            }
        });

        log.Entries.Should().Equal(
            "t=0.000 Semaphore(1).release() with nothing held: accepted",
            "t=0.000 Semaphore(1): 2 acquire(s) succeeded without waiting",
            "t=0.000 BoundedSemaphore(2) extra release: ValueError(BoundedSemaphore released too many times)",
            "t=0.000 BoundedSemaphore(2): 2 acquire(s) succeeded without waiting",
            "t=1.000 H: released twice (W was woken by the first): no error",
            "t=1.000 W: acquired",
            "t=1.000 W: its release raised ValueError(BoundedSemaphore released too many times)");
    }

    // 52_lock_fifo_handoff (LK-01)
    [Fact]
    public void Trace52_LockServesWaitersInArrivalOrder_UnlockedInTheGapYetNoBarging()
    {
        var log = new EventLog();
        RunVirtual(async () =>
        {
            var asyncLock = new AsyncLock();
            async Task WorkerAsync(string name, double arrive, double hold, CancellationToken ct)
            {
                await AsyncIO.SleepAsync(Seconds(arrive), ct);
                Log(log, $"{name}: acquiring (locked={Py(asyncLock.IsLocked)})");
                using (await asyncLock.AcquireAsync(ct))
                {
                    Log(log, $"{name}: acquired");
                    await AsyncIO.SleepAsync(Seconds(hold), ct);
                }

                Log(log, $"{name}: released (locked={Py(asyncLock.IsLocked)})");
            }

            async Task HolderAsync(CancellationToken ct)
            {
                _ = await asyncLock.AcquireAsync(ct);
                Log(log, "H: acquired");
                await AsyncIO.SleepAsync(Seconds(1), ct);
                asyncLock.Release();
                Log(log, $"H: released (locked={Py(asyncLock.IsLocked)}), re-acquiring at once");
                using (await asyncLock.AcquireAsync(ct))
                {
                    Log(log, "H: acquired again");
                }
            }

            await GatherAsync(
                HolderAsync,
                ct => WorkerAsync("A", 0.75, 0.125, ct),
                ct => WorkerAsync("B", 0.25, 0.5, ct),
                ct => WorkerAsync("C", 0.5, 0.25, ct));
            Log(log, $"all done (locked={Py(asyncLock.IsLocked)})");
        });

        log.Entries.Should().Equal(
            "t=0.000 H: acquired",
            "t=0.250 B: acquiring (locked=True)",
            "t=0.500 C: acquiring (locked=True)",
            "t=0.750 A: acquiring (locked=True)",
            "t=1.000 H: released (locked=False), re-acquiring at once",
            "t=1.000 B: acquired",
            "t=1.500 B: released (locked=False)",
            "t=1.500 C: acquired",
            "t=1.750 C: released (locked=False)",
            "t=1.750 A: acquired",
            "t=1.875 A: released (locked=False)",
            "t=1.875 H: acquired again",
            "t=1.875 all done (locked=False)");
    }

    // 54_event_set_wakes_all (EV-01)
    [Fact]
    public void Trace54_EventSetWakesEveryWaiterInOrder_WaitOnASetEventTakesNoTurn()
    {
        var log = new EventLog();
        RunVirtual(async () =>
        {
            var ev = new AsyncEvent();
            async Task WaiterAsync(string name, double arrive, CancellationToken ct)
            {
                await AsyncIO.SleepAsync(Seconds(arrive), ct);
                Log(log, $"{name}: waiting (is_set={Py(ev.IsSet)})");
                bool r = await ev.WaitAsync(ct);
                Log(log, $"{name}: woke, wait returned {Py(r)} (is_set={Py(ev.IsSet)})");
            }

            Task[] ts = [.. new[] { ("W1", 0.75), ("W2", 0.25), ("W3", 0.5) }.Select(p => AsyncIO.CreateTask(ct => WaiterAsync(p.Item1, p.Item2, ct)))];
            await AsyncIO.SleepAsync(Seconds(1));
            ev.Set();
            Log(log, "main: set() returned");
            await AsyncIO.GatherAsync(ts);
            SynchronizationContext.Current!.Post(_ => Log(log, "callback queued before the late wait"), null);
            await ev.WaitAsync();
            Log(log, "main: wait() on a set event returned");
            await AsyncIO.SleepAsync(TimeSpan.Zero);
            ev.Clear();
            Log(log, "main: clear()");
            Task w4 = AsyncIO.CreateTask(ct => WaiterAsync("W4", 0.5, ct));
            await AsyncIO.SleepAsync(Seconds(1));
            ev.Set();
            ev.Clear();
            Log(log, "main: set() then clear() in one step");
            await w4;
            Log(log, $"main: done (is_set={Py(ev.IsSet)})");
        });

        log.Entries.Should().Equal(
            "t=0.250 W2: waiting (is_set=False)",
            "t=0.500 W3: waiting (is_set=False)",
            "t=0.750 W1: waiting (is_set=False)",
            "t=1.000 main: set() returned",
            "t=1.000 W2: woke, wait returned True (is_set=True)",
            "t=1.000 W3: woke, wait returned True (is_set=True)",
            "t=1.000 W1: woke, wait returned True (is_set=True)",
            "t=1.000 main: wait() on a set event returned",
            "t=1.000 callback queued before the late wait",
            "t=1.000 main: clear()",
            "t=1.500 W4: waiting (is_set=False)",
            "t=2.000 main: set() then clear() in one step",
            "t=2.000 W4: woke, wait returned True (is_set=False)",
            "t=2.000 main: done (is_set=False)");
    }

    // 55_condition_notify_one_vs_all (CD-01, CD-04, CD-06)
    [Fact]
    public void Trace55_ConditionNotifyNeedsTheLock_WokenWaitersReturnOneAtATimeWithTheLock()
    {
        var log = new EventLog();
        RunVirtual(async () =>
        {
            var cond = new AsyncCondition();
            async Task WaiterAsync(string name, double arrive, CancellationToken ct)
            {
                await AsyncIO.SleepAsync(Seconds(arrive), ct);
                using (await cond.AcquireAsync(ct))
                {
                    Log(log, $"{name}: waiting");
                    await cond.WaitAsync(ct);
                    Log(log, $"{name}: returned from wait (locked={Py(cond.IsLocked)}), working");
                    await AsyncIO.SleepAsync(Seconds(0.25), ct);
                }

                Log(log, $"{name}: released");
            }

            Task[] ts = [.. new[] { ("A", 0.125), ("B", 0.25), ("C", 0.375), ("D", 0.5) }.Select(p => AsyncIO.CreateTask(ct => WaiterAsync(p.Item1, p.Item2, ct)))];
            await AsyncIO.SleepAsync(Seconds(0.75));
            try
            {
                cond.Notify();
            }
            catch (InvalidOperationException e)
            {
                Log(log, $"main: notify() without the lock: RuntimeError({e.Message})");
            }

            await AsyncIO.SleepAsync(Seconds(0.25));
            using (await cond.AcquireAsync())
            {
                cond.Notify(1);
                Log(log, "main: notify(1), keeping the lock until t=1.5");
                await AsyncIO.SleepAsync(Seconds(0.5));
            }

            Log(log, "main: released");
            await AsyncIO.SleepAsync(Seconds(0.5));
            using (await cond.AcquireAsync())
            {
                cond.NotifyAll();
                Log(log, "main: notify_all()");
            }

            Log(log, "main: released");
            await AsyncIO.GatherAsync(ts);
            Log(log, "all done");
        });

        log.Entries.Should().Equal(
            "t=0.125 A: waiting",
            "t=0.250 B: waiting",
            "t=0.375 C: waiting",
            "t=0.500 D: waiting",
            "t=0.750 main: notify() without the lock: RuntimeError(cannot notify on un-acquired lock)",
            "t=1.000 main: notify(1), keeping the lock until t=1.5",
            "t=1.500 main: released",
            "t=1.500 A: returned from wait (locked=True), working",
            "t=1.750 A: released",
            "t=2.000 main: notify_all()",
            "t=2.000 main: released",
            "t=2.000 B: returned from wait (locked=True), working",
            "t=2.250 B: released",
            "t=2.250 C: returned from wait (locked=True), working",
            "t=2.500 C: released",
            "t=2.500 D: returned from wait (locked=True), working",
            "t=2.750 D: released",
            "t=2.750 all done");
    }

    // 57_condition_wait_cancelled_reacquires (CD-03)
    [Fact]
    public void Trace57_ConditionWaitCancelled_ThrowsOnlyOnceTheLockIsHeldAgain()
    {
        var log = new EventLog();
        RunVirtual(async () =>
        {
            var cond = new AsyncCondition();
            using var cancelW = new CancellationTokenSource();
            Task w = AsyncIO.CreateTask(
                async ct =>
                {
                    using (await cond.AcquireAsync(CancellationToken.None))
                    {
                        Log(log, "W: waiting");
                        try
                        {
                            await cond.WaitAsync(ct);
                        }
                        catch (OperationCanceledException)
                        {
                            Log(log, $"W: CancelledError, lock held again (locked={Py(cond.IsLocked)})");
                            throw;
                        }
                    }
                },
                cancellationToken: cancelW.Token);
            await AsyncIO.SleepAsync(Seconds(1));
            _ = await cond.AcquireAsync();
            cancelW.CancelOnLoop();
            Log(log, "main: holding the lock, cancelled W");
            await AsyncIO.SleepAsync(Seconds(1));
            Log(log, $"main: W done={Py(w.IsCompleted)}; releasing");
            cond.Release();
            try
            {
                await w;
            }
            catch (OperationCanceledException)
            {
                Log(log, $"main: W ended cancelled={Py(w.IsCanceled)}, locked={Py(cond.IsLocked)}");
            }
        });

        log.Entries.Should().Equal(
            "t=0.000 W: waiting",
            "t=1.000 main: holding the lock, cancelled W",
            "t=2.000 main: W done=False; releasing",
            "t=2.000 W: CancelledError, lock held again (locked=True)",
            "t=2.000 main: W ended cancelled=True, locked=False");
    }

    // 58_barrier_three_parties (BR-02, BR-03)
    [Fact]
    public void Trace58_BarrierTripsOnTheLastArrival_WhichReturnsFirst_ThenRefills()
    {
        var log = new EventLog();
        RunVirtual(async () =>
        {
            var b = new AsyncBarrier(3);
            async Task PartyAsync(string name, double[] arrivals, CancellationToken ct)
            {
                for (int r = 1; r <= arrivals.Length; r++)
                {
                    await AsyncIO.SleepAsync(Seconds(arrivals[r - 1]) - Current.Elapsed, ct);
                    Log(log, $"{name}: round {r} arrives (n_waiting={b.WaitingCount})");
                    int idx = await b.WaitAsync(ct);
                    Log(log, $"{name}: round {r} passed, index {idx}");
                }
            }

            await GatherAsync(ct => PartyAsync("P1", [1, 4.5], ct), ct => PartyAsync("P2", [2, 4], ct), ct => PartyAsync("P3", [3, 5], ct));
            Log(log, $"done: parties={b.Parties} n_waiting={b.WaitingCount} broken={Py(b.IsBroken)}");
        });

        log.Entries.Should().Equal(
            "t=1.000 P1: round 1 arrives (n_waiting=0)",
            "t=2.000 P2: round 1 arrives (n_waiting=1)",
            "t=3.000 P3: round 1 arrives (n_waiting=2)",
            "t=3.000 P3: round 1 passed, index 2",
            "t=3.000 P1: round 1 passed, index 0",
            "t=3.000 P2: round 1 passed, index 1",
            "t=4.000 P2: round 2 arrives (n_waiting=0)",
            "t=4.500 P1: round 2 arrives (n_waiting=1)",
            "t=5.000 P3: round 2 arrives (n_waiting=2)",
            "t=5.000 P3: round 2 passed, index 2",
            "t=5.000 P2: round 2 passed, index 0",
            "t=5.000 P1: round 2 passed, index 1",
            "t=5.000 done: parties=3 n_waiting=0 broken=False");
    }
}
