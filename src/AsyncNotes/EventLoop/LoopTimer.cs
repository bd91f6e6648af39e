namespace AsyncNotes;

/// <summary>A timer on the loop's clock: its callback runs on the loop thread.</summary>
/// <remarks>Maps the <c>TimerHandle</c> that <c>loop.call_later</c> returns. State fields are guarded by the loop's lock.</remarks>
internal sealed class LoopTimer : ITimer
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

    internal long Version { get; set; }

    internal bool IsArmed { get; set; }

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

    internal void Fire()
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
}
