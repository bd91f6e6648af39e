using CsCheck;

namespace AsyncNotes.Tests.Synchronization;

// Linearizability of AsyncSemaphore and AsyncLock off any loop, checked with CsCheck's SampleParallel (called
// SampleConcurrent up to CsCheck 3; in the 5.0.1 referenced here it is SampleParallel).
//
// Why SampleParallel: it is a linearizability checker that the project already has (CsCheck is referenced for the
// randomized TaskGroup tests), and it does the whole job. It generates a random initial state and random operations, runs
// a random sequential prefix, then runs the rest on 2 to `threads` dedicated threads released at the same instant,
// recording which thread ran which operation. Then it replays, on fresh initial states, every order of those operations
// that keeps each thread's own order, and passes when one of them ends in a state equal to the concurrent run's. A
// failure is shrunk to the smallest initial state and operation list and printed with a seed, thread assignment included,
// that replays it. A stress test checks invariants; this checks that some sequential order explains the concurrent result.
//
// What SampleParallel cannot express, and so how the models below are shaped:
//  - Its operations are synchronous Action<T>s (5.0.1 refuses async ones: "wait for the task inside a synchronous
//    operation instead"), and each candidate order is replayed sequentially on one thread. An acquire that waits for a
//    release made by a later operation would block that replay forever. So no operation may wait for another operation.
//  - "Try to acquire" cannot be emulated by acquiring and cancelling at once when the acquire does not complete. These
//    primitives follow asyncio (first come, first served, no barging), so an acquire is an interval (queued, handed the
//    permit, resumed), not a step. A waiter that is handed a permit and then cancelled gives the permit back, and until it
//    has, the other threads' acquires find the semaphore locked (for AsyncLock they queue behind the woken waiter although
//    IsLocked is false). An acquire then fails although a release came before it on its own thread, which no sequential
//    order of try-acquires explains: false alarms, and flaky ones. Nor can a blocking acquire with a short-lived token be
//    a model operation with an outcome: whether it got the permit depends on timing that no replay reproduces.
// So there are two models, both exact, both never flaky by construction:
//  1. Gated: the count moves (down to 0 and IsLocked), and no acquire ever waits. The test keeps a count of the permits
//     it knows to be free, never more than the semaphore's own (an acquirer takes one from it before calling AcquireAsync;
//     a releaser adds one after Release returns), and acquires only with one taken. So each AcquireAsync has a free
//     permit and nobody in line, and must complete at once. Outcomes depend only on the test's two counters, both atomic.
//     (Checked exhaustively with a throwaway model checker, over every interleaving of the two steps, for 2 and 3 threads,
//     up to 5 operations, and from up to 2 free and 2 held: this bookkeeping never ends in a state that no sequential
//     order explains. The same bookkeeping with a "release while free must throw" operation does, because that operation
//     holds the free token for a moment, so that rule is left to the unit tests.)
//  2. Net-zero: the waiting path. Every operation acquires and releases, or gives up waiting (cancelled, timed out, or
//     cancelled up front), so every sequential order ends where it began; nothing is held across operations, so no
//     operation waits for another one. The concurrent run really queues, hands over and cancels: it must end in that same
//     state, with never more holders than permits, and no increment made under the lock lost. One operation queues behind
//     what it holds itself and then gives up, so that the waiting path, and a cancel racing the hand-over, run in every
//     sample that draws it whatever the scheduling; shared counters prove that they ran.
// A state is compared as (CurrentCount, IsLocked) plus the test's own counters.
public sealed class LinearizabilityTests
{
    // Threads for the concurrent part (2 to 3 per sample): more than the cores of a small machine, so that the OS also
    // preempts mid-operation.
    private const int Threads = 3;

    // Operations run concurrently per sample (2 to 4), after up to 10 sequential ones. Every order of them that keeps each
    // thread's own order is replayed, each on a thread of its own, from pool threads that block until it ends: 4 on 3
    // threads is at most 12 orders a sample. More multiplies the replays, and starves the thread pool that the replayed
    // waiters need to resume on.
    private const int ParallelOperations = 4;

    // Samples per test. The gated models never wait; each net-zero sample waits for a permit and gives up waiting several
    // times (in the concurrent run and in each replay), so fewer samples cover those paths thousands of times.
    private const int GatedIterations = 250;
    private const int ContendedIterations = 100;

    // A waiting operation that has not ended by then lost its wake-up: it fails instead of hanging SampleParallel.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public void Semaphore_GatedAcquireAndRelease_IsLinearizable()
    {
        Gen.Int[0, 3].Select(permits => new GatedSemaphore(permits))
            .SampleParallel(
                [
                    Gen.Operation<GatedSemaphore>("Acquire", s => s.Acquire()),
                    Gen.Operation<GatedSemaphore>("Release", s => s.Release()),
                    Gen.Operation<GatedSemaphore>("ReleaseExtra", s => s.ReleaseExtra()),
                    Gen.Operation<GatedSemaphore>("AcquireCancelled", s => s.AcquireCancelled()),
                ],
                equal: GatedSemaphore.SameState,
                maxParallelOperations: ParallelOperations,
                iter: GatedIterations,
                threads: Threads,
                print: s => s.ToString());
    }

    [Fact]
    public void Lock_GatedAcquireAndRelease_IsLinearizable()
    {
        Gen.Bool.Select(locked => new GatedLock(locked))
            .SampleParallel(
                [
                    Gen.Operation<GatedLock>("Acquire", l => l.Acquire()),
                    Gen.Operation<GatedLock>("Release", l => l.Release()),
                    Gen.Operation<GatedLock>("AcquireCancelled", l => l.AcquireCancelled()),
                ],
                equal: GatedLock.SameState,
                maxParallelOperations: ParallelOperations,
                iter: GatedIterations,
                threads: Threads,
                print: l => l.ToString());
    }

    [Fact]
    public void Semaphore_ContendedNetZeroOperations_EndWhereTheyBegan_NeverOverTheLimit()
    {
        var paths = new Paths();
        Gen.Int[1, 3].Select(permits => new ContendedSemaphore(permits, paths))
            .SampleParallel(
                [
                    Gen.Operation<ContendedSemaphore>("AcquireRelease", s => s.AcquireRelease()),
                    Gen.Int[0, 3_000].Operation<ContendedSemaphore>(spins => $"AcquireOrGiveUpAfter({spins} spins)", (s, spins) => s.AcquireOrGiveUpAfter(spins)),
                    Gen.Int[1, 2].Operation<ContendedSemaphore>(ms => $"AcquireWithin({ms} ms)", (s, ms) => s.AcquireWithin(ms)),
                    Gen.Operation<ContendedSemaphore>("AcquireCancelled", s => s.AcquireCancelled()),
                    Gen.Int[0, 300].Operation<ContendedSemaphore>(spins => $"QueueThenGiveUpAfter({spins} spins)", (s, spins) => s.QueueThenGiveUpAfter(spins)),
                ],
                equal: ContendedSemaphore.SameState,
                maxParallelOperations: ParallelOperations,
                iter: ContendedIterations,
                threads: Threads,
                print: s => s.ToString());

        TestContext.Current.SendDiagnosticMessage($"{paths.Waited} acquires waited, {paths.GaveUp} gave up waiting");
        paths.Waited.Should().BePositive("the sample must exercise waiting for a permit");
        paths.GaveUp.Should().BePositive("the sample must exercise cancelling a waiting acquire");
    }

    [Fact]
    public void Lock_ContendedNetZeroOperations_EndUnlocked_OneHolderAtATime()
    {
        var paths = new Paths();
        Gen.Const(() => new ContendedLock(paths))
            .SampleParallel(
                [
                    Gen.Operation<ContendedLock>("AcquireRelease", l => l.AcquireRelease()),
                    Gen.Int[0, 3_000].Operation<ContendedLock>(spins => $"AcquireOrGiveUpAfter({spins} spins)", (l, spins) => l.AcquireOrGiveUpAfter(spins)),
                    Gen.Int[1, 2].Operation<ContendedLock>(ms => $"AcquireWithin({ms} ms)", (l, ms) => l.AcquireWithin(ms)),
                    Gen.Operation<ContendedLock>("AcquireCancelled", l => l.AcquireCancelled()),
                    Gen.Int[0, 300].Operation<ContendedLock>(spins => $"QueueThenGiveUpAfter({spins} spins)", (l, spins) => l.QueueThenGiveUpAfter(spins)),
                ],
                equal: ContendedLock.SameState,
                maxParallelOperations: ParallelOperations,
                iter: ContendedIterations,
                threads: Threads,
                print: l => l.ToString());

        TestContext.Current.SendDiagnosticMessage($"{paths.Waited} acquires waited, {paths.GaveUp} gave up waiting");
        paths.Waited.Should().BePositive("the sample must exercise waiting for the lock");
        paths.GaveUp.Should().BePositive("the sample must exercise cancelling a waiting acquire");
    }

    /// <summary>Waits, bounded, for an acquire: true with the releaser when it got the permit, false when cancelled.</summary>
    private static bool Acquired(Task<AsyncReleaser> acquire, out AsyncReleaser releaser)
    {
        try
        {
#pragma warning disable VSTHRD002 // SampleParallel's operations are synchronous: each waits, bounded, for its own acquire.
            if (!acquire.Wait(Bound))
            {
                throw new TimeoutException($"An acquire did not end within {Bound.TotalSeconds} s: a lost wake-up.");
            }

            releaser = acquire.Result;
#pragma warning restore VSTHRD002
            return true;
        }
        catch (AggregateException e) when (e.InnerException is OperationCanceledException)
        {
            releaser = default;
            return false;
        }
    }

    private static bool TryTake(ref int counter)
    {
        int current;
        do
        {
            current = Volatile.Read(ref counter);
            if (current == 0)
            {
                return false;
            }
        }
        while (Interlocked.CompareExchange(ref counter, current - 1, current) != current);

        return true;
    }

    private static void AssertCancelledAtOnce(Task<AsyncReleaser> acquire)
    {
        if (!acquire.IsCanceled)
        {
            throw new InvalidOperationException($"An acquire with a cancelled token ended {acquire.Status}, not cancelled at once.");
        }
    }

    /// <summary>Which paths the operations took, in the concurrent runs and the replays of a whole sample.</summary>
    private sealed class Paths
    {
        private int _waited;
        private int _gaveUp;

        public int Waited => Volatile.Read(ref _waited);

        public int GaveUp => Volatile.Read(ref _gaveUp);

        public void OnWaited() => Interlocked.Increment(ref _waited);

        public void OnGaveUp() => Interlocked.Increment(ref _gaveUp);
    }

    /// <summary>Model 1 for <see cref="AsyncSemaphore"/>: acquires only with a permit known to be free.</summary>
    private sealed class GatedSemaphore(int permits)
    {
        private readonly AsyncSemaphore _semaphore = new(permits);
        private int _free = permits; // never more than _semaphore.CurrentCount
        private int _held;

        public static bool SameState(GatedSemaphore concurrent, GatedSemaphore sequential) =>
            concurrent._semaphore.CurrentCount == sequential._semaphore.CurrentCount &&
            concurrent._semaphore.IsLocked == sequential._semaphore.IsLocked &&
            concurrent._free == sequential._free &&
            concurrent._held == sequential._held;

        public void Acquire()
        {
            if (!TryTake(ref _free))
            {
                return; // none known free: a sequential acquire would wait, so this one does not acquire
            }

            if (!_semaphore.AcquireAsync().IsCompletedSuccessfully)
            {
                throw new InvalidOperationException("A free permit with nobody in line was not taken at once.");
            }

            Interlocked.Increment(ref _held);
        }

        public void Release()
        {
            if (TryTake(ref _held))
            {
                _semaphore.Release();
                Interlocked.Increment(ref _free);
            }
        }

        public void ReleaseExtra()
        {
            _semaphore.Release(); // not bounded: the count grows
            Interlocked.Increment(ref _free);
        }

        public void AcquireCancelled() => AssertCancelledAtOnce(_semaphore.AcquireAsync(new CancellationToken(canceled: true)));

        public override string ToString() =>
            $"CurrentCount {_semaphore.CurrentCount}, IsLocked {_semaphore.IsLocked}, free {_free}, held {_held}";
    }

    /// <summary>Model 1 for <see cref="AsyncLock"/>: acquires only when the lock is known to be free.</summary>
    private sealed class GatedLock
    {
        private readonly AsyncLock _lock = new();
        private int _free = 1; // 1: not held, and nobody is about to take it
        private int _held;

        public GatedLock(bool locked)
        {
            if (locked)
            {
                Acquire();
            }
        }

        public static bool SameState(GatedLock concurrent, GatedLock sequential) =>
            concurrent._lock.IsLocked == sequential._lock.IsLocked &&
            concurrent._free == sequential._free &&
            concurrent._held == sequential._held;

        public void Acquire()
        {
            if (!TryTake(ref _free))
            {
                return;
            }

            if (!_lock.AcquireAsync().IsCompletedSuccessfully)
            {
                throw new InvalidOperationException("A free lock with nobody in line was not taken at once.");
            }

            Interlocked.Increment(ref _held);
        }

        public void Release()
        {
            if (TryTake(ref _held))
            {
                _lock.Release();
                Interlocked.Increment(ref _free);
            }
        }

        public void AcquireCancelled() => AssertCancelledAtOnce(_lock.AcquireAsync(new CancellationToken(canceled: true)));

        public override string ToString() => $"IsLocked {_lock.IsLocked}, free {_free}, held {_held}";
    }

    /// <summary>What both model-2 classes share: operations that take through <see cref="AcquireAsync"/> and give back,
    /// and a count of holders inside at once, which must never exceed <paramref name="limit"/>.</summary>
    private abstract class ContendedModel(int limit, Paths paths)
    {
        private int _inside;
        private int _overLimit;

        /// <summary>How many times more than the limit were inside at once.</summary>
        protected int OverLimit => Volatile.Read(ref _overLimit);

        protected Paths Paths => paths;

        public void AcquireRelease()
        {
            Task<AsyncReleaser> acquire = AcquireAsync(CancellationToken.None);
            NoteWaiting(acquire);
            if (!Acquired(acquire, out AsyncReleaser releaser))
            {
                throw new InvalidOperationException("An acquire without a token was cancelled.");
            }

            using (releaser)
            {
                Hold();
            }
        }

        // Racing the hand-over: a semaphore's permit handed to a cancelled waiter goes back; a lock's woken waiter that is
        // cancelled passes its turn on.
        public void AcquireOrGiveUpAfter(int spins)
        {
            using var giveUp = new CancellationTokenSource();
            Task<AsyncReleaser> acquire = AcquireAsync(giveUp.Token);
            if (!acquire.IsCompleted)
            {
                paths.OnWaited();
                Thread.SpinWait(spins);
                giveUp.Cancel();
            }

            Settle(acquire);
        }

        public void AcquireWithin(int milliseconds)
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(milliseconds));
            Task<AsyncReleaser> acquire = AcquireAsync(deadline.Token);
            NoteWaiting(acquire);
            Settle(acquire);
        }

        public void AcquireCancelled() => AssertCancelledAtOnce(AcquireAsync(new CancellationToken(canceled: true)));

        protected abstract Task<AsyncReleaser> AcquireAsync(CancellationToken cancellationToken);

        /// <summary>Called inside, right after the count of holders went up.</summary>
        protected virtual void OnEntered()
        {
        }

        protected void NoteWaiting(Task acquire)
        {
            if (!acquire.IsCompleted)
            {
                paths.OnWaited();
            }
        }

        protected void Settle(Task<AsyncReleaser> acquire)
        {
            if (!Acquired(acquire, out AsyncReleaser releaser))
            {
                paths.OnGaveUp();
                return;
            }

            using (releaser)
            {
                Hold();
            }
        }

        protected void Enter()
        {
            if (Interlocked.Increment(ref _inside) > limit)
            {
                Interlocked.Increment(ref _overLimit);
            }

            OnEntered();
        }

        protected void Leave() => Interlocked.Decrement(ref _inside);

        private void Hold()
        {
            Enter();
            Thread.SpinWait(1_000); // a moment inside, so that the other threads' acquires find it taken
            Leave();
        }
    }

    /// <summary>Model 2 for <see cref="AsyncSemaphore"/>: operations that give back what they take.</summary>
    private sealed class ContendedSemaphore(int permits, Paths paths) : ContendedModel(permits, paths)
    {
        private readonly AsyncSemaphore _semaphore = new(permits);

        public static bool SameState(ContendedSemaphore concurrent, ContendedSemaphore sequential) =>
            concurrent._semaphore.CurrentCount == sequential._semaphore.CurrentCount &&
            concurrent._semaphore.IsLocked == sequential._semaphore.IsLocked &&
            concurrent.OverLimit == sequential.OverLimit;

        // Waits by construction, in the concurrent run and in every replay alike: takes permits until an acquire has to
        // queue, releases them (which hands a permit to the queued acquire, or to whoever queued before it), then cancels
        // the queued acquire after a few spins, racing its resumption: it gets the permit, or gives it back.
        public void QueueThenGiveUpAfter(int spins)
        {
            using var giveUp = new CancellationTokenSource();
            var held = new List<AsyncReleaser>();
            Task<AsyncReleaser> acquire;
            while ((acquire = _semaphore.AcquireAsync(giveUp.Token)).IsCompleted)
            {
                _ = Acquired(acquire, out AsyncReleaser releaser);
                held.Add(releaser);
                Enter();
            }

            Paths.OnWaited();
            foreach (AsyncReleaser releaser in held)
            {
                Leave();
                releaser.Dispose();
            }

            Thread.SpinWait(spins);
            giveUp.Cancel();
            Settle(acquire);
        }

        public override string ToString() => $"CurrentCount {_semaphore.CurrentCount}, IsLocked {_semaphore.IsLocked}, over the limit {OverLimit}";

        protected override Task<AsyncReleaser> AcquireAsync(CancellationToken cancellationToken) => _semaphore.AcquireAsync(cancellationToken);
    }

    /// <summary>Model 2 for <see cref="AsyncLock"/>: operations that release what they take.</summary>
    private sealed class ContendedLock(Paths paths) : ContendedModel(1, paths)
    {
        private readonly AsyncLock _lock = new();
        private int _entered;
        private int _counter; // incremented without Interlocked: only the lock keeps it equal to _entered

        public static bool SameState(ContendedLock concurrent, ContendedLock sequential) =>
            concurrent._lock.IsLocked == sequential._lock.IsLocked &&
            concurrent.OverLimit == sequential.OverLimit &&
            concurrent.LostIncrements == sequential.LostIncrements;

        private int LostIncrements => Volatile.Read(ref _entered) - Volatile.Read(ref _counter);

        // Waits by construction, in the concurrent run and in every replay alike: holding the lock, queues a second
        // acquire, releases (which wakes the queued acquire, or whoever queued before it), then cancels the queued acquire
        // after a few spins, racing its resumption: it takes the lock, or passes its turn on.
        public void QueueThenGiveUpAfter(int spins)
        {
            Task<AsyncReleaser> first = _lock.AcquireAsync();
            NoteWaiting(first);
            if (!Acquired(first, out AsyncReleaser releaser))
            {
                throw new InvalidOperationException("An acquire without a token was cancelled.");
            }

            using var giveUp = new CancellationTokenSource();
            Task<AsyncReleaser> second;
            using (releaser)
            {
                Enter();
                second = _lock.AcquireAsync(giveUp.Token);
                if (second.IsCompleted)
                {
                    throw new InvalidOperationException($"An acquire of a held lock ended {second.Status} at once.");
                }

                Paths.OnWaited();
                Leave();
            }

            Thread.SpinWait(spins);
            giveUp.Cancel();
            Settle(second);
        }

        public override string ToString() => $"IsLocked {_lock.IsLocked}, over the limit {OverLimit}, lost increments {LostIncrements}";

        protected override Task<AsyncReleaser> AcquireAsync(CancellationToken cancellationToken) => _lock.AcquireAsync(cancellationToken);

        protected override void OnEntered()
        {
            Interlocked.Increment(ref _entered);
            int seen = _counter;
            Thread.SpinWait(100); // a moment between read and write: a second holder would lose an increment
            _counter = seen + 1;
        }
    }
}
