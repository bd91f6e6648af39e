namespace AsyncNotes;

// Work of the loop's that runs off the loop. Code started on the loop carries the loop's ExecutionContext wherever it goes:
// into a ConfigureAwait(false) continuation, a Task.Run, a Channel reader's pool continuation, CancelAsync's callbacks.
// An AsyncLocal with a change handler sees every thread that starts or stops running under that context, so the loop counts
// the threads that run its code elsewhere right now, and a virtual clock does not jump ahead of them.
public sealed partial class EventLoop
{
    private static readonly AsyncLocal<EventLoop?> s_flow = new(OnFlowChanged);

    // After work of the loop's was seen off the loop, the clock jumps only once nothing has been in flight for this long: a
    // thread-pool item taken from the queue but not yet running under the loop's context shows in neither count.
    private static readonly TimeSpan s_quietPeriod = TimeSpan.FromMilliseconds(2);

    private int _offLoopRunning;

    // Every entry of a thread into the loop's context, and (under _gate) the count the loop saw when it last looked: work that
    // entered and left between two looks (a Task.Run that posted nothing yet, a hot child finishing on the pool) still arms
    // the quiet period, whether or not it happened inside a turn.
    private int _offLoopEntries;
    private int _offLoopEntriesSeen;

    // Once the loop's code has run off the loop in this run, every jump of the clock waits for the quiet period.
    private volatile bool _offLoopSeenInRun;

    // Under _gate: the clock may not jump before a quiet period has passed. Set when work in flight is seen, when a thread
    // entered the loop's context since the last look, and at every turn once _offLoopSeenInRun (any callback may have queued
    // work that a worker took at once); cleared when the period passes. Set to begin with: the run's first idle moment is
    // where its first hop to the thread pool is least visible (a worker that has taken the item and not yet entered the
    // loop's context shows nowhere), and one quiet period per run is cheap.
    private bool _quietPeriodDue = true;
    private long _quietSince;

    /// <summary>The number of threads other than the loop's running code that started on the loop (for tests).</summary>
    internal int OffLoopRunning => Volatile.Read(ref _offLoopRunning);

    /// <summary>The loop of the calling thread, for a call that binds to it (<see cref="Current"/>); in debug mode, a call made
    /// off the loop's thread by the loop's own code throws instead of silently running off any loop.</summary>
    /// <param name="call">The API called, for the message (its name and what follows the dot: <c>AsyncIO.SleepAsync</c>).</param>
    /// <exception cref="InvalidOperationException">See <see cref="EventLoopOptions.Debug"/>.</exception>
    internal static EventLoop? CurrentFor(string call)
    {
        EventLoop? current = t_current;
        if (current is null && s_flow.Value is { Options.Debug: true } left && Volatile.Read(ref left._running))
        {
            throw new InvalidOperationException(
                $"{call} was called on thread {Environment.CurrentManagedThreadId}, off the event loop's thread, by code that the loop started (EventLoopOptions.Debug). "
                + "Off the loop it would run on the thread pool and the system clock, not on the loop. The usual cause is an await with "
                + "ConfigureAwait(false) earlier in a method that runs on the loop: await with the context captured (the default) to stay "
                + "on the loop. Work sent off the loop on purpose (Task.Run, AsyncIO.ToThreadAsync) should hand its results back instead "
                + "of calling AsyncNotes there.");
        }

        return current;
    }

    /// <summary>Marks the calling flow as the loop's: everything started from it from now on carries the loop along.</summary>
    private void BeginFlow() => s_flow.Value = this;

    private static void EndFlow() => s_flow.Value = null;

    private static void OnFlowChanged(AsyncLocalValueChangedArgs<EventLoop?> change)
    {
        if (!change.ThreadContextChanged || ReferenceEquals(change.PreviousValue, change.CurrentValue))
        {
            return;
        }

        if (change.PreviousValue is { } left && t_current != left)
        {
            left.OnLeftOffLoop();
        }

        if (change.CurrentValue is { } entered && t_current != entered)
        {
            entered.OnEnteredOffLoop();
        }
    }

    private void OnEnteredOffLoop()
    {
        _offLoopSeenInRun = true;
        Interlocked.Increment(ref _offLoopEntries);
        Interlocked.Increment(ref _offLoopRunning);
    }

    private void OnLeftOffLoop()
    {
        if (Interlocked.Decrement(ref _offLoopRunning) == 0)
        {
            Wake();
        }
    }

    /// <summary>Under _gate, one look of the loop's: whether work the loop started may still post back. Tracked work and
    /// threads running the loop's code count; so does any queued thread-pool item (it may be the loop's own, not started yet),
    /// and, after any of these was seen, a short quiet period (an item between the pool's queue and the loop's context shows
    /// in neither).</summary>
    /// <remarks>Not a plain query: each look records the entries into the loop's context it has seen (an entry since the last
    /// look counts as work in flight once) and arms or runs down the quiet period. Call it once per look.</remarks>
    private bool LookForWorkInFlight()
    {
        int entries = Volatile.Read(ref _offLoopEntries);
        bool entered = entries != _offLoopEntriesSeen;
        _offLoopEntriesSeen = entries;
        if (entered || _trackedInFlight > 0 || Volatile.Read(ref _offLoopRunning) > 0 || ThreadPool.PendingWorkItemCount > 0)
        {
            _offLoopSeenInRun = true;
            _quietPeriodDue = true;
            _quietSince = 0;
            return true;
        }

        if (!_quietPeriodDue)
        {
            return false;
        }

        long now = TimeProvider.System.GetTimestamp();
        if (_quietSince == 0)
        {
            _quietSince = now;
        }

        if (TimeProvider.System.GetElapsedTime(_quietSince, now) < s_quietPeriod)
        {
            return true;
        }

        _quietPeriodDue = false;
        _quietSince = 0;
        return false;
    }
}
