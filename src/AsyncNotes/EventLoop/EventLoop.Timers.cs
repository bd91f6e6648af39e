namespace AsyncNotes;

// The loop's clock and its timer heap. Timers are ordered by (due, sequence): those due at the same instant fire in the
// order they were armed. Entries are removed lazily: a timer re-armed or disposed bumps its version, and stale heap entries
// are skipped when they reach the top. Every field here is guarded by _gate, except _virtualNow, which is written under
// _gate by the loop thread and read lock-free (Volatile) by the clock.
public sealed partial class EventLoop
{
    private readonly PriorityQueue<TimerEntry, (long Due, long Sequence)> _timerHeap = new();
    private long _timerSequence;
    private int _armedTimers;
    private long _virtualNow;

    private readonly record struct TimerEntry(LoopTimer Timer, long Version);

    /// <summary>The loop's clock in ticks since it started.</summary>
    internal long NowTicks => IsVirtualTime ? Volatile.Read(ref _virtualNow) : _time.RealElapsedTicks;

    /// <summary>The number of armed timers (for tests: a cancelled sleep leaves none behind).</summary>
    internal int PendingTimerCount
    {
        get
        {
            lock (_gate)
            {
                return _armedTimers;
            }
        }
    }

    internal ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new LoopTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Arms, re-arms or (with an infinite due time) disarms a timer. Safe from any thread.</summary>
    internal void ChangeTimer(LoopTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        lock (_gate)
        {
            if (timer.IsDisposed || _closed)
            {
                return;
            }

            Disarm(timer);
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                timer.PeriodTicks = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? 0 : period.Ticks;
                Arm(timer, SaturatingAdd(NowTicks, dueTime.Ticks));
            }

            Monitor.PulseAll(_gate);
        }
    }

    internal void DisposeTimer(LoopTimer timer)
    {
        lock (_gate)
        {
            Disarm(timer);
            timer.IsDisposed = true;
        }
    }

    private void Arm(LoopTimer timer, long due)
    {
        timer.Version++;
        timer.IsArmed = true;
        _armedTimers++;
        _timerHeap.Enqueue(new TimerEntry(timer, timer.Version), (due, ++_timerSequence));
    }

    private void Disarm(LoopTimer timer)
    {
        if (timer.IsArmed)
        {
            timer.IsArmed = false;
            timer.Version++;
            _armedTimers--;
        }
    }

    /// <summary>The due time of the earliest armed timer, or <see cref="long.MaxValue"/> when none will ever be due.</summary>
    private long NextDueTicks()
    {
        while (_timerHeap.TryPeek(out TimerEntry entry, out (long Due, long Sequence) key))
        {
            if (entry.Version == entry.Timer.Version && entry.Timer.IsArmed)
            {
                return key.Due;
            }

            _timerHeap.Dequeue();
        }

        return long.MaxValue;
    }

    /// <summary>Moves every timer due by now into the ready queue, earliest first, ties in arming order.</summary>
    private void MoveDueTimersToReady()
    {
        long now = NowTicks;
        while (true)
        {
            long due = NextDueTicks();
            if (due > now || due == long.MaxValue)
            {
                return;
            }

            LoopTimer timer = _timerHeap.Dequeue().Timer;
            Disarm(timer);
            if (timer.PeriodTicks > 0)
            {
                Arm(timer, SaturatingAdd(due, timer.PeriodTicks));
            }

            _ready.Enqueue(new ReadyItem(static t => ((LoopTimer)t!).Fire(), timer));
        }
    }

    private void AdvanceVirtualClockTo(long due) => Volatile.Write(ref _virtualNow, due);

    private void ClearTimers()
    {
        while (_timerHeap.TryDequeue(out TimerEntry entry, out _))
        {
            Disarm(entry.Timer);
        }
    }

    private static long SaturatingAdd(long a, long b) => b > long.MaxValue - a ? long.MaxValue : a + b;
}
