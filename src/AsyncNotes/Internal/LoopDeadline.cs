namespace AsyncNotes;

/// <summary>A deadline on any clock, honoured however far away it is: the one clamp rule of AsyncNotes.</summary>
/// <remarks>
/// <list type="bullet">
///   <item>Any finite limit is honoured on any clock. A loop's clock takes any delay; a system timer (and the timers of most
///   other <see cref="TimeProvider"/>s) rejects delays over about 49.7 days, so the deadline arms for at most that long and
///   re-arms, measuring the rest on the clock's monotonic timestamps (a wall-clock step does not move it).</item>
///   <item>Zero or less fires at the clock's next opportunity: on a loop, as a callback behind those already ready (asyncio's
///   <c>call_soon</c>); elsewhere, on a timer thread at once.</item>
///   <item>Disposing it disarms the timer; a firing already queued on the loop does not run.</item>
/// </list>
/// </remarks>
internal sealed class LoopDeadline : IDisposable
{
    /// <summary>The longest delay a system timer accepts (about 49.7 days).</summary>
    public static readonly TimeSpan MaxSystemTimerDelay = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly Action _onDue;
    private ITimer? _timer;
    private long _armedAt;
    private TimeSpan _armedFor;
    private bool _disposed;

    private LoopDeadline(TimeProvider time, Action onDue)
    {
        _time = time;
        _onDue = onDue;
    }

    /// <summary>Whether <paramref name="limit"/> means "no limit": null, or <see cref="Timeout.InfiniteTimeSpan"/>.</summary>
    public static bool IsInfinite(TimeSpan? limit) => limit is null || limit == Timeout.InfiniteTimeSpan;

    /// <summary>Starts a deadline <paramref name="dueTime"/> from now on <paramref name="time"/>.</summary>
    public static LoopDeadline Start(TimeProvider time, TimeSpan dueTime, Action onDue)
    {
        var deadline = new LoopDeadline(time, onDue);
        lock (deadline._gate)
        {
            deadline.Arm(dueTime);
        }

        return deadline;
    }

    /// <summary>Moves the deadline to <paramref name="dueTime"/> from now (null: never).</summary>
    public void Reschedule(TimeSpan? dueTime)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            if (dueTime is { } due)
            {
                Arm(due);
            }
            else
            {
                _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
        }
    }

    public void Dispose()
    {
        ITimer? timer;
        lock (_gate)
        {
            _disposed = true;
            timer = _timer;
            _timer = null;
        }

        timer?.Dispose();
    }

    // Under _gate.
    private void Arm(TimeSpan due)
    {
        _armedAt = _time.GetTimestamp();
        _armedFor = due;
        EventLoop? loop = EventLoop.Current;
        if (due <= TimeSpan.Zero && loop is not null && ReferenceEquals(loop.Time, _time))
        {
            // asyncio's call_soon(on_timeout): behind the callbacks ready now, ahead of what the caller schedules next (a loop
            // timer due now would only join the ready queue at the next turn, behind it).
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            loop.Post(static s => ((LoopDeadline)s!).OnTimer(), this);
            return;
        }

        TimeSpan delay = due < TimeSpan.Zero ? TimeSpan.Zero : due;
        if (delay > MaxSystemTimerDelay && _time is not LoopTimeProvider)
        {
            delay = MaxSystemTimerDelay; // OnTimer re-arms for the rest
        }

        if (_timer is null)
        {
            _timer = _time.CreateTimer(static s => ((LoopDeadline)s!).OnTimer(), this, delay, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _timer.Change(delay, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnTimer()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            TimeSpan remaining = _armedFor - _time.GetElapsedTime(_armedAt);
            if (remaining > TimeSpan.Zero)
            {
                Arm(remaining);
                return;
            }

            _disposed = true;
            _timer?.Dispose();
            _timer = null;
        }

        _onDue();
    }
}
