using System.Runtime.ExceptionServices;

namespace AsyncNotes;

// The ready queue and the run loop (asyncio's _run_once). Every field here is guarded by _gate but _turn, the loop thread's
// own; the loop thread waits on _gate (Monitor.Wait) when it is idle, and a Post, timer change or completion of work in
// flight from any other thread pulses it.
public sealed partial class EventLoop
{
    private readonly object _gate = new();
    private SegmentedQueue<ReadyItem> _ready = new();

    // The callbacks of the turn being run: taken from _ready in one swap at the start of the turn, then run by the loop
    // thread alone, without the lock. What they post goes to _ready, for the next turn.
    private SegmentedQueue<ReadyItem> _turn = new();
    private readonly WaiterQueue<bool> _idleWaiters = new("EventLoop.WaitUntilIdleAsync");
    private int _trackedInFlight;

    // Of the tracked work, the items the thread pool has not started yet: one of those cannot be waiting for the loop, so
    // the loop's patience with work in flight does not run while there is any (a starved pool is late, not deadlocked).
    private int _trackedNotStarted;
    private bool _closed;
    private ExceptionDispatchInfo? _fatal;
    private volatile bool _isBlockedOnTrackedWork;
    private ExecutionContext? _baseExecutionContext;

    private static readonly TimeSpan s_deadlockGrace = TimeSpan.FromMilliseconds(100);

    // The longest an idle virtual loop holds its patience back for a thread pool that has yet to start its work (IsPoolLate).
    private static readonly TimeSpan s_starvedPoolLimit = TimeSpan.FromSeconds(30);

    /// <summary>Whether the loop thread is idle, waiting for tracked work to post back (for tests of tracking).</summary>
    internal bool IsBlockedOnTrackedWork
    {
        get => _isBlockedOnTrackedWork;
        private set => _isBlockedOnTrackedWork = value;
    }

    /// <summary>One ready callback. <see cref="Context"/> is the synchronization context it runs under: null for a fresh one
    /// (every callback is a step of its own), or the context of the task it resumes (see <see cref="PostAs"/>).</summary>
    private readonly record struct ReadyItem(SendOrPostCallback Callback, object? State, SynchronizationContext? Context);

    /// <summary>Queues a callback to run on the loop (asyncio's <c>call_soon_threadsafe</c>). Safe from any thread.</summary>
    /// <remarks>
    /// After the loop has closed the callback is discarded, as asyncio's closed loop runs nothing more: running it on the
    /// thread pool instead would let code of a finished run race the code after <c>AsyncIO.Run</c>.
    /// </remarks>
    internal void Post(SendOrPostCallback callback, object? state) => _ = TryPost(callback, state, null);

    /// <summary>As <see cref="Post"/>, and says whether the callback was queued (false once the loop has closed).</summary>
    internal bool TryPost(SendOrPostCallback callback, object? state) => TryPost(callback, state, null);

    /// <summary>Queues a callback that runs as a step of the task whose code captured <paramref name="context"/>: a continuation
    /// that captured the same context and is completed inside the callback runs inline there, as asyncio's task wake-up runs
    /// the task's next step inside the one callback that <c>set_result</c> scheduled.</summary>
    internal bool PostAs(SynchronizationContext? context, SendOrPostCallback callback, object? state) =>
        TryPost(callback, state, context is EventLoopSynchronizationContext own && own.Loop == this && own != _context ? own : null);

    private bool TryPost(SendOrPostCallback callback, object? state, SynchronizationContext? context)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }

            _ready.Enqueue(new ReadyItem(callback, state, context));
            PulseLoopThread();
            return true;
        }
    }

    /// <summary>Runs the rest of the caller's code under a fresh synchronization context until disposed, so that every
    /// awaiter completed meanwhile is posted (scheduled behind the ready callbacks) instead of running inline.</summary>
    internal ContextScope EnterFreshContext()
    {
        SynchronizationContext? previous = System.Threading.SynchronizationContext.Current;
        System.Threading.SynchronizationContext.SetSynchronizationContext(new EventLoopSynchronizationContext(this));
        return new ContextScope(previous);
    }

    /// <summary>Restores the synchronization context that <see cref="EnterFreshContext"/> replaced.</summary>
    internal readonly struct ContextScope(SynchronizationContext? previous) : IDisposable
    {
        public void Dispose() => System.Threading.SynchronizationContext.SetSynchronizationContext(previous);
    }

    /// <summary>Under _gate: wakes the loop thread if it may be waiting on _gate. Only the loop thread ever waits there, so a
    /// change made on the loop thread itself (most posts and timer changes) needs no pulse.</summary>
    private void PulseLoopThread()
    {
        if (!IsOnLoopThread)
        {
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Wakes the loop thread if it is waiting, so that it re-checks its stop condition.</summary>
    private void Wake()
    {
        lock (_gate)
        {
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Runs the loop until <paramref name="isDone"/> holds or a fatal exception stops it: asyncio's
    /// <c>run_until_complete</c>, one turn (<see cref="RunOnce"/>) at a time.</summary>
    private void RunUntil(Func<bool> isDone)
    {
        while (RunOnce(isDone))
        {
        }
    }

    /// <summary>One turn of the loop; false once <paramref name="isDone"/> holds or the loop failed.</summary>
    /// <remarks>
    /// <list type="number">
    ///   <item>Stop if the run is done (checked under the lock, so a wake from another thread cannot slip in between).</item>
    ///   <item>Move every timer due by now to the back of the ready queue, earliest first, ties in arming order.</item>
    ///   <item>Nothing ready: release the idle waiters, each as a callback of its own; with none, wait for work (a post, a
    ///   timer, work in flight), or move the virtual clock to the next timer, or declare a deadlock.</item>
    ///   <item>Run the callbacks that were ready at the start of the turn, each under a synchronization context of its own;
    ///   what they schedule waits for the next turn, so due timers are not starved by a task that keeps yielding.</item>
    /// </list>
    /// </remarks>
    private bool RunOnce(Func<bool> isDone)
    {
        bool idle = false;
        lock (_gate)
        {
            if (_fatal is not null || isDone())
            {
                return false;
            }

            MoveDueTimersToReady();
            if (_ready.Count == 0)
            {
                if (_idleWaiters.Count == 0)
                {
                    WaitForWork();
                    return true;
                }

                idle = true;
            }

            (_ready, _turn) = (_turn, _ready);
            _quietPeriodDue |= _offLoopSeenInRun;
        }

        if (idle)
        {
            // Each waiter's future schedules its awaiter on the loop, in the order the waiters came.
            _idleWaiters.WakeAll(true);
            return true;
        }

        while (_turn.Count > 0)
        {
            if (Volatile.Read(ref _fatal) is not null)
            {
                return false; // the run ends here; Close drops what was left of the turn
            }

            ReadyItem item = _turn.Dequeue();
            if (Options.SlowCallbackDuration is { } threshold)
            {
                RunTimedCallback(item, threshold);
            }
            else
            {
                RunCallback(item);
            }
        }

        return true;
    }

    private void RunCallback(ReadyItem item)
    {
        // A fresh context per callback: an awaiter captures the context of the step that awaited, and the runtime runs a
        // continuation inline only when the completing code runs under that very context. Every other completion therefore
        // posts the awaiter behind the callbacks already ready, as asyncio's set_result schedules its waiters, whatever the
        // depth of the chain of awaits.
        System.Threading.SynchronizationContext.SetSynchronizationContext(item.Context ?? new EventLoopSynchronizationContext(this));
        try
        {
            item.Callback(item.State);
        }
        catch (Exception ex)
        {
            // An exception escaping a posted callback (an async void method, a throwing timer callback) has no awaiter.
            ReportException(new EventLoopExceptionContext("Unhandled exception in a callback on the event loop.", ex));
        }
        finally
        {
            System.Threading.SynchronizationContext.SetSynchronizationContext(_context);

            // A raw callback that set an AsyncLocal leaves it on the thread: no value of one step leaks into the next.
            if (ExecutionContext.Capture() != _baseExecutionContext)
            {
                ExecutionContext.Restore(_baseExecutionContext!);
            }
        }
    }

    /// <summary>Hands an exception with no awaiter to the exception handler, or, without one, stops the loop with it.</summary>
    internal void ReportException(EventLoopExceptionContext context)
    {
        Action<EventLoopExceptionContext>? handler = Options.ExceptionHandler;
        if (handler is not null)
        {
            try
            {
                handler(context);
                return;
            }
            catch (Exception handlerFailure)
            {
                SetFatal(handlerFailure);
                return;
            }
        }

        SetFatal(context.Exception);
    }

    private void SetFatal(Exception exception)
    {
        lock (_gate)
        {
            _fatal ??= ExceptionDispatchInfo.Capture(exception);
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Called under _gate with nothing ready: block, move the virtual clock, or declare a deadlock.</summary>
    /// <remarks>
    /// <list type="number">
    ///   <item>Real time: sleep until the next timer is due or something is posted.</item>
    ///   <item>Virtual time, with work of the loop's in flight off the loop (<see cref="AsyncIO.ToThreadAsync{T}(Func{T}, CancellationToken)"/>,
    ///   or any code that continues on the thread pool from the loop: a <c>ConfigureAwait(false)</c>, a Channel's reader,
    ///   <c>CancelAsync</c>): wait for it to post back; the clock does not move under it. If it has not come back after
    ///   <see cref="EventLoopOptions.OffLoopPatience"/>, it is taken to be waiting for the loop: the clock moves on to the next
    ///   timer, or, with none, the deadlock is reported. The patience runs only while every <c>ToThreadAsync</c> item has
    ///   started: one the thread pool has yet to start (a starved pool) cannot be waiting for the loop.</item>
    ///   <item>Virtual time with <see cref="EventLoopOptions.AutoJumpThreshold"/>: wait that long for untracked work.</item>
    ///   <item>Move the virtual clock to the next timer, or, with none, declare a deadlock.</item>
    /// </list>
    /// </remarks>
    private void WaitForWork()
    {
        if (!IsVirtualTime)
        {
            long next = NextDueTicks();
            if (next == long.MaxValue)
            {
                Monitor.Wait(_gate);
            }
            else
            {
                long remaining = next - NowTicks;
                if (remaining > 0)
                {
                    Monitor.Wait(_gate, TimeSpan.FromTicks(Math.Min(remaining, TimeSpan.TicksPerMillisecond * int.MaxValue)));
                }
            }

            return;
        }

        bool patienceSpent = false;
        if (LookForWorkInFlight())
        {
            if (WaitForWorkInFlight())
            {
                return;
            }

            patienceSpent = true;
        }

        TimeSpan grace = Options.AutoJumpThreshold;
        if (grace > TimeSpan.Zero)
        {
            Monitor.Wait(_gate, grace);
            if (_ready.Count > 0 || LookForWorkInFlight() || _idleWaiters.Count > 0)
            {
                return;
            }
        }

        long due = NextDueTicks();
        if (due != long.MaxValue)
        {
            AdvanceVirtualClockTo(due);
            return;
        }

        if (ArrivesWithinDeadlockGrace(patienceSpent))
        {
            return;
        }

        throw CreateDeadlockException();
    }

    /// <summary>Under _gate, before a deadlock is declared (which ends the run): waits a short real-time grace for anything to
    /// arrive. A thread-pool item of the loop's between the pool's queue and its first step under the loop's context shows
    /// nowhere; a false deadlock report would be worse than the grace, which only a true deadlock pays.</summary>
    /// <param name="patienceSpent">Work in flight was waited for until <see cref="EventLoopOptions.OffLoopPatience"/> ran out:
    /// if it is still in flight, report it now. Otherwise work that shows up in flight (a thread that took the loop's work
    /// item after the loop last looked, and has just entered the loop's context) has arrived: look again.</param>
    private bool ArrivesWithinDeadlockGrace(bool patienceSpent)
    {
        if (_trackedInFlight > 0 || OffLoopRunning > 0)
        {
            return !patienceSpent;
        }

        long start = TimeProvider.System.GetTimestamp();
        while (TimeProvider.System.GetElapsedTime(start) < s_deadlockGrace)
        {
            Monitor.Wait(_gate, TimeSpan.FromMilliseconds(2));
            if (_ready.Count > 0 || _idleWaiters.Count > 0 || _trackedInFlight > 0 || OffLoopRunning > 0 || _fatal is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Waits (under _gate) for work in flight to post back. True when the caller should simply look again; false when
    /// the patience ran out with a timer due, so the clock may move on.</summary>
    private bool WaitForWorkInFlight()
    {
        long first = TimeProvider.System.GetTimestamp();
        long start = first;
        IsBlockedOnTrackedWork = _trackedInFlight > 0;
        try
        {
            while (LookForWorkInFlight() && _ready.Count == 0 && _idleWaiters.Count == 0 && _fatal is null)
            {
                if (IsPoolLate() && TimeProvider.System.GetElapsedTime(first) < s_starvedPoolLimit)
                {
                    // Work the pool has yet to start cannot be waiting for the loop: patience starts once it runs.
                    start = TimeProvider.System.GetTimestamp();
                }

                TimeSpan waited = TimeProvider.System.GetElapsedTime(start);
                if (waited >= Options.OffLoopPatience)
                {
                    // Still running after all this time: taken to be waiting for the loop. The clock moves on to the next
                    // timer, or, with none, the deadlock is reported (naming the work in flight) rather than hang silently.
                    return false;
                }

                // Short slices: a work item queued to the thread pool but not started yet shows only in the pool's count.
                Monitor.Wait(_gate, TimeSpan.FromMilliseconds(1));
            }

            return true;
        }
        finally
        {
            IsBlockedOnTrackedWork = false;
        }
    }

    /// <summary>Under _gate: whether work of the loop's may still be waiting for a thread-pool thread, so that its patience
    /// should not run yet: a <c>ToThreadAsync</c> item not started, or, with none of the loop's work visibly running, any item
    /// in the pool's queue (the loop's own <c>Task.Run</c> item may be one of them; on a busy pool it is late, not waiting
    /// for the loop). Bounded by <see cref="s_starvedPoolLimit"/>, so that a pool that never drains cannot hide a deadlock.</summary>
    private bool IsPoolLate() =>
        Volatile.Read(ref _trackedNotStarted) > 0
        || (_trackedInFlight == 0 && Volatile.Read(ref _offLoopRunning) == 0 && ThreadPool.PendingWorkItemCount > 0);

    private Task<bool> AddIdleWaiterAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            Monitor.PulseAll(_gate);
        }

        return _idleWaiters.EnqueueAsync(cancellationToken: cancellationToken);
    }

    /// <summary>Starts work on the thread pool that the loop tracks: virtual time waits for it.</summary>
    internal Task<T> RunTrackedAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        BeginTracked();
        var delivery = new TrackedDelivery<T>(this, work, cancellationToken);
        ThreadPool.UnsafeQueueUserWorkItem(delivery, preferLocal: false); // the delivery is the work item; it flows the caller's ExecutionContext itself
        return delivery.Task;
    }

    /// <summary>The number of callbacks queued and not yet run (for tests: "a result has been posted to the loop").</summary>
    /// <remarks>On the loop's thread, the rest of the turn being run counts too. From another thread only the callbacks queued
    /// for later turns count (the turn being run is the loop thread's alone): read it there while the loop is blocked or idle,
    /// as the tests that poll it do.</remarks>
    internal int ReadyCount
    {
        get
        {
            lock (_gate)
            {
                return _ready.Count + (IsOnLoopThread ? _turn.Count : 0); // the rest of the turn is the loop thread's alone
            }
        }
    }

    /// <summary>Tracks work already started off the loop (an executor's queued item): virtual time waits for it, from now until
    /// its outcome is delivered on the loop. Call on the loop's thread, before anything else of the loop's can run.</summary>
    internal Task<T> TrackAsync<T>(Task<T> offLoop)
    {
        BeginTracked();
        return new TrackedDelivery<T>(this, offLoop).Task;
    }

    // The in-flight count rises and falls on the loop's thread only (tracked work is started by loop code, and delivered by
    // a loop callback), where the idle checks read it too: no lock is needed, Interlocked keeps it plain to see.
    private void BeginTracked()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _closed), this);
        _ = Interlocked.Increment(ref _trackedInFlight);
    }

    /// <summary>The outcome of tracked work, on its way back to the loop (completed inside a callback on the loop, so its
    /// continuations run on the loop thread; once the loop has closed, posted nowhere): one object per call, which is the task the caller
    /// awaits, the thread-pool work item that runs the function (<see cref="RunTrackedAsync{T}"/>: no Task or delegate of
    /// its own), or the continuation of work started elsewhere (<see cref="TrackAsync{T}"/>), and the loop callback that
    /// delivers the outcome.</summary>
    /// <remarks>As <c>Task.Run(work, cancellationToken)</c> would: the caller's <see cref="ExecutionContext"/> flows to the
    /// work (its <c>AsyncLocal</c> values); a token cancelled before the work starts cancels it unrun; an
    /// <see cref="OperationCanceledException"/> for that token, once cancelled, cancels the task; any other exception
    /// fails it, the same object.</remarks>
    private sealed class TrackedDelivery<T> : TaskCompletionSource<T>, IThreadPoolWorkItem
    {
        private static readonly SendOrPostCallback s_deliver = static state => ((TrackedDelivery<T>)state!).Deliver();
        private static readonly ContextCallback s_runWork = static state => ((TrackedDelivery<T>)state!).RunWork();

        private readonly EventLoop _loop;
        private readonly Func<T>? _work;
        private readonly CancellationToken _cancellationToken;
        private readonly ExecutionContext? _executionContext;
        private readonly Task<T>? _offLoop;
        private T? _result;
        private Exception? _failure;
        private bool _canceled;

        // 1 once the pool has started the work (or its outcome is delivered without it having run), for the loop's count of
        // tracked work not started yet: such work cannot be waiting for the loop, and the loop's patience waits for it.
        private int _started;

        /// <summary>For work the pool is to run: counted as not started until it does.</summary>
        public TrackedDelivery(EventLoop loop, Func<T> work, CancellationToken cancellationToken)
        {
            _loop = loop;
            _work = work;
            _cancellationToken = cancellationToken;
            _executionContext = ExecutionContext.Capture();
            _ = Interlocked.Increment(ref loop._trackedNotStarted);
        }

        /// <summary>For work running already: its outcome is delivered when it ends.</summary>
        public TrackedDelivery(EventLoop loop, Task<T> offLoop)
        {
            _loop = loop;
            _offLoop = offLoop;
            _started = 1;
            offLoop.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(OnOffLoopCompleted);
        }

        /// <summary>On a pool thread: runs the work in the caller's ExecutionContext, then queues the delivery on the loop.</summary>
        public void Execute()
        {
            MarkStarted();
            if (_executionContext is null)
            {
                RunWork();
            }
            else
            {
                ExecutionContext.Run(_executionContext, s_runWork, this);
            }

            OnOffLoopCompleted();
        }

        // The outcome is kept, not thrown: the delivery hands the same exception object to the caller's task.
        [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "Every exception of the work is delivered to its task, as Task.Run does.")]
        private void RunWork()
        {
            if (_cancellationToken.IsCancellationRequested)
            {
                _canceled = true;
                return;
            }

            try
            {
                _result = _work!();
            }
            catch (OperationCanceledException canceled) when (canceled.CancellationToken == _cancellationToken && _cancellationToken.IsCancellationRequested)
            {
                _canceled = true;
            }
            catch (Exception failure)
            {
                _failure = failure;
            }
        }

        /// <summary>Where the work completed: queues the delivery on the loop (nowhere once it has closed).</summary>
        private void OnOffLoopCompleted() => _loop.Post(s_deliver, this);

        private void MarkStarted()
        {
            if (Interlocked.Exchange(ref _started, 1) == 0)
            {
                _ = Interlocked.Decrement(ref _loop._trackedNotStarted);
            }
        }

        // The in-flight count drops on the loop thread, in the same callback that completes the result. Dropping it on the
        // worker thread instead would open a window in which the loop sees nothing in flight and nothing ready, and
        // jumps the clock before the completion arrives.
        private void Deliver()
        {
            MarkStarted();
            _ = Interlocked.Decrement(ref _loop._trackedInFlight);
            if (_offLoop is not null)
            {
                _ = TrySetFromTask(_offLoop);
            }
            else if (_canceled)
            {
                _ = TrySetCanceled(_cancellationToken);
            }
            else if (_failure is not null)
            {
                _ = TrySetException(_failure);
            }
            else
            {
                _ = TrySetResult(_result!);
            }
        }
    }

    private void Close()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            // Like asyncio's loop.close(): callbacks still queued are discarded. The tasks they belonged to were not
            // known to the loop (known ones were cancelled and awaited before this), stay pending, and are collected.
            _closed = true;
            _ready.Clear();
            _turn.Clear(); // a turn cut short by a fatal exception (the loop no longer runs: Close is never called mid-turn)

            ClearTimers();
        }

        _idleWaiters.FailAll(new ObjectDisposedException(nameof(EventLoop), "The event loop closed before it was idle again."));
    }
}
