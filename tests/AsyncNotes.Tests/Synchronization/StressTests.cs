namespace AsyncNotes.Tests.Synchronization;

// The synchronization primitives hammered from the thread pool, with no EventLoop: every waiter is woken by a continuation
// on the pool, so it races the next acquire, release, notify or set made on another thread. The issue asked for 8 tasks
// (started with Task.Run) × 100,000 acquire/release on each primitive, and that is the count in every test here: measured
// on a 2-core machine in Debug, each test takes 0.6 to 3 s, and the file 15 to 17 s with other builds running on the
// machine (20 s with two more busy loops), within its ~20 s budget. Every run is under a watchdog, so a lost wake-up
// fails the test (with the state it stopped in) instead of hanging it. This file found two such defects when it was
// written: an AsyncCondition notification lost between WaitAsync's release and its joining the line (the barrier hung),
// and an AsyncSemaphore permit kept by a waiter that threw OperationCanceledException; both fixed in 20ca91d.
public sealed class StressTests
{
    private const int Tasks = 8;
    private const int Iterations = 100_000;

    // A holder keeps its permit (or the lock) across an await once every HoldEvery entries: the others pile up behind it,
    // so the waiting path (queue, hand-over, wake-up on the pool) runs, not only the uncontended fast path.
    private const int HoldEvery = 16;

    private static readonly TimeSpan Watchdog = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Semaphore_EightTasks_NeverMoreThanThreeInside_AndEveryPermitComesBack()
    {
        var sem = new AsyncSemaphore(3);
        int inside = 0, maxInside = 0, waited = 0, done = 0;

        await RunTasksAsync(
            async _ =>
            {
                for (int i = 0; i < Iterations; i++)
                {
                    Task<AsyncReleaser> acquire = sem.AcquireAsync();
                    if (!acquire.IsCompleted)
                    {
                        Interlocked.Increment(ref waited);
                    }

                    using (await acquire)
                    {
                        RaiseTo(ref maxInside, Interlocked.Increment(ref inside));
                        if (i % HoldEvery == 0)
                        {
                            await Task.Yield();
                        }

                        Interlocked.Decrement(ref inside);
                    }

                    Interlocked.Increment(ref done);
                }
            },
            () => $"{Volatile.Read(ref done)} of {Tasks * Iterations} acquire/release done, CurrentCount {sem.CurrentCount}, IsLocked {sem.IsLocked}");

        maxInside.Should().BeLessThanOrEqualTo(3, "a semaphore of 3 admits at most 3 at a time");
        waited.Should().BePositive("the run must exercise the waiting path, not only the fast path");
        done.Should().Be(Tasks * Iterations);
        sem.CurrentCount.Should().Be(3, "every permit came back");
        sem.IsLocked.Should().BeFalse();
    }

    [Fact]
    public async Task Lock_EightTasks_NeverMoreThanOneInside_AndNoIncrementIsLost()
    {
        var gate = new AsyncLock();
        int inside = 0, maxInside = 0, waited = 0;
        long counter = 0; // incremented without Interlocked: only mutual exclusion keeps it exact

        await RunTasksAsync(
            async _ =>
            {
                for (int i = 0; i < Iterations; i++)
                {
                    Task<AsyncReleaser> acquire = gate.AcquireAsync();
                    if (!acquire.IsCompleted)
                    {
                        Interlocked.Increment(ref waited);
                    }

                    using (await acquire)
                    {
                        RaiseTo(ref maxInside, Interlocked.Increment(ref inside));
                        counter++;
                        if (i % HoldEvery == 0)
                        {
                            await Task.Yield();
                        }

                        Interlocked.Decrement(ref inside);
                    }
                }
            },
            () => $"counter {Volatile.Read(ref counter)} of {Tasks * Iterations}, IsLocked {gate.IsLocked}");

        maxInside.Should().Be(1, "a lock admits one at a time");
        waited.Should().BePositive("the run must exercise the waiting path, not only the fast path");
        counter.Should().Be(Tasks * Iterations, "no increment is lost under mutual exclusion");
        gate.IsLocked.Should().BeFalse();
    }

    // A bounded buffer of 4 over one lock and two conditions (asyncio's Queue in miniature): 4 producers and 4 consumers,
    // each 100,000 times acquire, WaitForAsync, change the count, Notify the other side (one waiter), release. One Notify
    // per item is enough, by design, for a condition variable without lost wake-ups: the test fails (times out) when a
    // consumer or producer is left waiting with its predicate true.
    [Fact]
    public async Task Condition_BoundedBuffer_EveryProducerAndConsumerFinishes_NoWakeUpIsLost()
    {
        const int Capacity = 4;
        var gate = new AsyncLock();
        var notEmpty = new AsyncCondition(gate);
        var notFull = new AsyncCondition(gate);
        int buffered = 0, outOfBounds = 0;
        int[] progress = new int[Tasks];

        await RunTasksAsync(
            async index =>
            {
                bool producer = index % 2 == 0;
                for (int i = 0; i < Iterations; i++)
                {
                    using (await gate.AcquireAsync())
                    {
                        if (producer)
                        {
                            await notFull.WaitForAsync(() => buffered < Capacity);
                            buffered++;
                            notEmpty.Notify();
                        }
                        else
                        {
                            await notEmpty.WaitForAsync(() => buffered > 0);
                            buffered--;
                            notFull.Notify();
                        }

                        if (buffered is < 0 or > Capacity)
                        {
                            outOfBounds++;
                        }
                    }

                    Volatile.Write(ref progress[index], i + 1);
                }
            },
            () => $"buffered {Volatile.Read(ref buffered)}, lock held {gate.IsLocked}, items done per task (producers even, consumers odd) [{string.Join(", ", progress)}]");

        outOfBounds.Should().Be(0);
        buffered.Should().Be(0, "as many items were consumed as produced");
        progress.Should().AllSatisfy(p => p.Should().Be(Iterations));
        gate.IsLocked.Should().BeFalse();
    }

    // Set/Clear/WaitAsync cycles that cannot lose a wake-up by construction: a sense-reversing barrier over two events,
    // round r waiting on events[r % 2]. The last of the 8 to arrive in round r clears the other event, which nobody waits
    // on any more (all 8 have left round r - 1's wait, since they arrived in round r) and nobody waits on yet (round r + 1
    // starts only once round r's event is set), then sets this round's. 8 × 100,000 waits, racing the set.
    [Fact]
    public async Task Event_SetClearWaitCycles_EveryWaiterOfEveryRoundWakes_NoneEarly()
    {
        AsyncEvent[] events = [new AsyncEvent(), new AsyncEvent()];
        int arrivals = 0, early = 0, waited = 0;
        int[] progress = new int[Tasks];

        await RunTasksAsync(
            async index =>
            {
                for (int round = 0; round < Iterations; round++)
                {
                    AsyncEvent go = events[round % 2];
                    if (Interlocked.Increment(ref arrivals) % Tasks == 0)
                    {
                        events[(round + 1) % 2].Clear();
                        go.Set();
                    }

                    Task<bool> wait = go.WaitAsync();
                    if (!wait.IsCompleted)
                    {
                        Interlocked.Increment(ref waited);
                    }

                    _ = await wait;
                    if (Volatile.Read(ref arrivals) < Tasks * (round + 1))
                    {
                        Interlocked.Increment(ref early); // woken before the last party of its round arrived
                    }

                    Volatile.Write(ref progress[index], round + 1);
                }
            },
            () => $"arrivals {Volatile.Read(ref arrivals)}, events set [{events[0].IsSet}, {events[1].IsSet}], rounds done per task [{string.Join(", ", progress)}]");

        early.Should().Be(0);
        waited.Should().BePositive("the run must exercise waiters woken by Set, not only waits on a set event");
        arrivals.Should().Be(Tasks * Iterations);
    }

    // 8 parties × 100,000 rounds: every round's arrival indices are exactly 0..7, each handed out once. A round takes the
    // condition's lock about 16 times (each party to arrive, and again to leave) and wakes 7 condition waiters.
    [Fact]
    public async Task Barrier_EightParties_EveryRoundHandsOutIndicesZeroToSeven()
    {
        const int Rounds = Iterations;
        var barrier = new AsyncBarrier(Tasks);
        int[] indices = new int[Rounds]; // bit i set: index i was handed out in that round
        int[] arrivals = new int[Rounds];
        int[] progress = new int[Tasks];

        await RunTasksAsync(
            async index =>
            {
                for (int round = 0; round < Rounds; round++)
                {
                    int arrival = await barrier.WaitAsync();
                    Interlocked.Or(ref indices[round], arrival is >= 0 and < Tasks ? 1 << arrival : 1 << 30);
                    Interlocked.Increment(ref arrivals[round]);
                    Volatile.Write(ref progress[index], round + 1);
                }
            },
            () => $"waiting {barrier.WaitingCount}, broken {barrier.IsBroken}, rounds done per party [{string.Join(", ", progress)}]");

        arrivals.Should().AllSatisfy(a => a.Should().Be(Tasks));
        indices.Should().AllSatisfy(bits => bits.Should().Be(0xFF, "each round hands out 0..7, each once"));
        barrier.WaitingCount.Should().Be(0);
        barrier.IsBroken.Should().BeFalse();
    }

    // As Semaphore_EightTasks_..., but a ninth task cancels waiters at random: each worker whose acquire had to wait puts
    // its token source in its slot, and the canceller takes sources out of random slots and cancels them (CancelAsync: the
    // callbacks run on the pool, racing the hand-over of a permit). A waiter cancelled before it is handed a permit takes
    // nothing; one cancelled after gives it back. Either way, once all is done, every permit is back and every attempt
    // ended exactly once, acquired or cancelled.
    [Fact]
    public async Task Semaphore_WaitersCancelledAtRandom_EveryPermitComesBack_NothingLost()
    {
        var sem = new AsyncSemaphore(3);
        int inside = 0, maxInside = 0, acquired = 0, cancelled = 0;

        int cancels = await RunWithRandomCancellationAsync(
            async (index, slots) =>
            {
                for (int i = 0; i < Iterations; i++)
                {
                    if (await TryAcquireAsync(sem.AcquireAsync, slots, index) is not { } releaser)
                    {
                        Interlocked.Increment(ref cancelled);
                        continue;
                    }

                    using (releaser)
                    {
                        RaiseTo(ref maxInside, Interlocked.Increment(ref inside));
                        if (i % HoldEvery == 0)
                        {
                            await Task.Yield();
                        }

                        Interlocked.Decrement(ref inside);
                    }

                    Interlocked.Increment(ref acquired);
                }
            },
            () => $"acquired {Volatile.Read(ref acquired)} + cancelled {Volatile.Read(ref cancelled)} of {Tasks * Iterations}, CurrentCount {sem.CurrentCount}, IsLocked {sem.IsLocked}");

        maxInside.Should().BeLessThanOrEqualTo(3);
        cancels.Should().BePositive("the canceller must have cancelled some waiters");
        cancelled.Should().BePositive("some cancellations must land while the waiter still waits");
        (acquired + cancelled).Should().Be(Tasks * Iterations, "every attempt ends once, acquired or cancelled");
        sem.CurrentCount.Should().Be(3, "a cancelled waiter takes no permit, or gives back the one it was handed");
        sem.IsLocked.Should().BeFalse();
    }

    // As Lock_EightTasks_..., with waiters cancelled at random as in Semaphore_WaitersCancelledAtRandom_...: a waiter
    // cancelled after it was woken passes its turn on, so nobody is left waiting on a free lock.
    [Fact]
    public async Task Lock_WaitersCancelledAtRandom_LockEndsFree_NothingLost()
    {
        var gate = new AsyncLock();
        int inside = 0, maxInside = 0, acquired = 0, cancelled = 0;
        long counter = 0;

        int cancels = await RunWithRandomCancellationAsync(
            async (index, slots) =>
            {
                for (int i = 0; i < Iterations; i++)
                {
                    if (await TryAcquireAsync(gate.AcquireAsync, slots, index) is not { } releaser)
                    {
                        Interlocked.Increment(ref cancelled);
                        continue;
                    }

                    using (releaser)
                    {
                        RaiseTo(ref maxInside, Interlocked.Increment(ref inside));
                        counter++;
                        if (i % HoldEvery == 0)
                        {
                            await Task.Yield();
                        }

                        Interlocked.Decrement(ref inside);
                    }

                    Interlocked.Increment(ref acquired);
                }
            },
            () => $"acquired {Volatile.Read(ref acquired)} + cancelled {Volatile.Read(ref cancelled)} of {Tasks * Iterations}, IsLocked {gate.IsLocked}");

        maxInside.Should().Be(1);
        cancels.Should().BePositive("the canceller must have cancelled some waiters");
        cancelled.Should().BePositive("some cancellations must land while the waiter still waits");
        (acquired + cancelled).Should().Be(Tasks * Iterations, "every attempt ends once, acquired or cancelled");
        counter.Should().Be(acquired, "only holders increment, one at a time");
        gate.IsLocked.Should().BeFalse("no acquire is left holding, and no woken waiter is left with the turn");
    }

    /// <summary>Runs <see cref="Tasks"/> workers with <see cref="Task.Run(Func{Task})"/> under the watchdog.</summary>
    private static async Task RunTasksAsync(Func<int, Task> worker, Func<string> describe)
    {
        Task all = Task.WhenAll(Enumerable.Range(0, Tasks).Select(index => Task.Run(() => worker(index))));
        try
        {
            await all.WaitAsync(Watchdog, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException timeout)
        {
            throw new TimeoutException($"No end within {Watchdog.TotalSeconds} s (a lost wake-up or a hang): {describe()}", timeout);
        }
    }

    /// <summary>Runs the workers while a canceller task cancels, at random, the token sources they publish in their slot.
    /// Returns how many sources the canceller cancelled.</summary>
    private static async Task<int> RunWithRandomCancellationAsync(Func<int, CancellationTokenSource?[], Task> worker, Func<string> describe)
    {
        var slots = new CancellationTokenSource?[Tasks];
        int cancels = 0;
        using var stop = new CancellationTokenSource();
        Task canceller = Task.Run(async () =>
        {
            var random = new Random(Tasks);
            while (!stop.IsCancellationRequested)
            {
                // Taken out of the slot first: from here on the canceller owns it, the worker will not dispose it.
                if (random.Next(2) == 0 && Interlocked.Exchange(ref slots[random.Next(Tasks)], null) is { } victim)
                {
                    await victim.CancelAsync();
                    victim.Dispose();
                    cancels++;
                }

                await Task.Yield();
            }
        });

        try
        {
            await RunTasksAsync(index => worker(index, slots), describe);
        }
        finally
        {
            await stop.CancelAsync();
            await canceller;
        }

        return cancels;
    }

    /// <summary>Acquires with a token of its own; when the acquire has to wait, publishes the token source in the
    /// worker's slot for the canceller. Returns the releaser, or null when the wait was cancelled.</summary>
    private static async Task<AsyncReleaser?> TryAcquireAsync(Func<CancellationToken, Task<AsyncReleaser>> acquireAsync, CancellationTokenSource?[] slots, int index)
    {
        var source = new CancellationTokenSource();
        bool published = false;
        try
        {
            Task<AsyncReleaser> acquire = acquireAsync(source.Token);
            if (!acquire.IsCompleted)
            {
                Volatile.Write(ref slots[index], source);
                published = true;
            }

            return await acquire;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        finally
        {
            // Never published, or taken back from the slot: the worker's to dispose. Taken by the canceller: the canceller's.
            if (!published || Interlocked.CompareExchange(ref slots[index], null, source) == source)
            {
                source.Dispose();
            }
        }
    }

    private static void RaiseTo(ref int max, int value)
    {
        int current;
        while ((current = Volatile.Read(ref max)) < value && Interlocked.CompareExchange(ref max, value, current) != current)
        {
        }
    }
}
