namespace AsyncNotes;

// Work of the loop's that runs off the loop. Code started on the loop carries the loop's ExecutionContext wherever it goes:
// into a ConfigureAwait(false) continuation, a Task.Run, a Channel reader's pool continuation, CancelAsync's callbacks.
// An AsyncLocal with a change handler sees every thread that starts or stops running under that context, so the loop counts
// the threads that run its code elsewhere right now, and a virtual clock does not jump ahead of them.
public sealed partial class EventLoop
{
    private static readonly AsyncLocal<EventLoop?> s_flow = new(OnFlowChanged);

    // How long an idle virtual loop waits for a thread-pool work item that is queued but not started yet (it may be the
    // loop's own, which shows only in the pool's count until a thread picks it up).
    private static readonly TimeSpan s_queuedWorkPatience = TimeSpan.FromMilliseconds(20);

    private int _offLoopRunning;
    private long _queuedWorkSince;

    /// <summary>The number of threads other than the loop's running code that started on the loop (for tests).</summary>
    internal int OffLoopRunning => Volatile.Read(ref _offLoopRunning);

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

    private void OnEnteredOffLoop() => Interlocked.Increment(ref _offLoopRunning);

    private void OnLeftOffLoop()
    {
        if (Interlocked.Decrement(ref _offLoopRunning) == 0)
        {
            Wake();
        }
    }

    /// <summary>Under _gate: whether work the loop started may still post back. Tracked work and threads running the loop's
    /// code count; so, briefly, does any queued thread-pool item, which may be the loop's own not yet started.</summary>
    private bool HasWorkInFlight()
    {
        if (_trackedInFlight > 0 || Volatile.Read(ref _offLoopRunning) > 0)
        {
            _queuedWorkSince = 0;
            return true;
        }

        if (ThreadPool.PendingWorkItemCount == 0)
        {
            _queuedWorkSince = 0;
            return false;
        }

        long now = TimeProvider.System.GetTimestamp();
        if (_queuedWorkSince == 0)
        {
            _queuedWorkSince = now;
        }

        return TimeProvider.System.GetElapsedTime(_queuedWorkSince, now) < s_queuedWorkPatience;
    }
}
