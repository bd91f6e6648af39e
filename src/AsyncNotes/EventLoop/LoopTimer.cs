namespace AsyncNotes;

/// <summary>A timer on the loop's clock: its callback runs on the loop thread.</summary>
/// <remarks>Maps the <c>TimerHandle</c> that <c>loop.call_later</c> returns. State fields are guarded by the loop's lock.</remarks>
internal sealed class LoopTimer : ITimer, ITimerHeapEntry
{
    private readonly EventLoop _loop;
    private readonly TimerCallback _callback;
    private readonly object? _state;

    // Like System.Threading.Timer, the callback runs in the ExecutionContext of the code that created the timer, so
    // AsyncLocal values flow into it.
    private readonly ExecutionContext? _executionContext;

    public LoopTimer(EventLoop loop, TimerCallback callback, object? state)
    {
        _loop = loop;
        _callback = callback;
        _state = state;
        _executionContext = ExecutionContext.Capture();
    }

    /// <summary>Its slot in the loop's <see cref="TimerHeap"/>, or -1 when it is not armed.</summary>
    public int HeapIndex { get; set; } = -1;

    /// <summary>Bumped by every disarm (<c>Change</c>, <c>Dispose</c>): a firing queued in an older generation is dropped. It
    /// is only compared for equality with <see cref="QueuedGeneration"/> in the same batch, so wrapping around is harmless;
    /// an <see cref="int"/> keeps the timer (which lives as long as a sleep) eight bytes smaller.</summary>
    internal int Generation { get; set; }

    internal bool IsDisposed { get; set; }

    internal long PeriodTicks { get; set; }

    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dueTime, Timeout.InfiniteTimeSpan);
        ArgumentOutOfRangeException.ThrowIfLessThan(period, Timeout.InfiniteTimeSpan);
        if (IsDisposed)
        {
            return false;
        }

        _loop.ChangeTimer(this, dueTime, period);
        return true;
    }

    public void Dispose() => _loop.DisposeTimer(this);

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private void Invoke()
    {
        if (_executionContext is null)
        {
            _callback(_state);
        }
        else
        {
            ExecutionContext.Run(_executionContext, static s => ((LoopTimer)s!)._callback(((LoopTimer)s!)._state), this);
        }
    }

    /// <summary>The generation in which the timer was last moved to the ready queue: a firing runs only if the timer has not
    /// been disposed or changed since (every batch runs before the next timers are moved, so one field is enough).</summary>
    internal int QueuedGeneration { get; set; }

    /// <summary>Runs a firing that the loop queued, unless the timer was disposed or changed meanwhile.</summary>
    internal void Fire()
    {
        if (_loop.IsStillDue(this, QueuedGeneration))
        {
            Invoke();
        }
    }
}
