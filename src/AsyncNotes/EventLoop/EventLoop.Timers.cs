namespace AsyncNotes;

// The loop's clock and its timers. Timers sit in a heap ordered by (due, sequence): those due at the same instant fire in
// the order they were armed (Change, and a periodic timer's next period, arm anew, as asyncio makes a new handle). A timer
// that is disposed or re-armed leaves the heap at once, and one already moved to the ready queue does not fire (asyncio's
// TimerHandle.cancel() stops a handle even once it is queued). Every field here is guarded by _gate, except _virtualNow,
// which is written under _gate by the loop thread and read lock-free (Volatile) by the clock.
public sealed partial class EventLoop
{
    private readonly TimerHeap _timerHeap = new();
    private long _virtualNow;

    /// <summary>The loop's clock in ticks since it started.</summary>
    internal long NowTicks => IsVirtualTime ? Volatile.Read(ref _virtualNow) : _time.RealElapsedTicks;

    /// <summary>The number of armed timers (for tests: a cancelled sleep leaves none behind).</summary>
    internal int PendingTimerCount
    {
        get
        {
            lock (_gate)
            {
                return _timerHeap.Count;
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

    /// <summary>Arms <paramref name="deadline"/> <paramref name="dueTime"/> from now, unless its future is already decided
    /// (checked under the lock, so a decision racing the arming either sees it armed or keeps it out). Safe from any
    /// thread.</summary>
    internal void ArmDeadline(IFutureDeadline deadline, TimeSpan dueTime)
    {
        lock (_gate)
        {
            if (_closed || deadline.IsDone)
            {
                return;
            }

            Arm(deadline, SaturatingAdd(NowTicks, dueTime.Ticks));
            PulseLoopThread();
        }
    }

    /// <summary>Takes <paramref name="deadline"/> out of the heap, if it is there. Safe from any thread.</summary>
    internal void DisarmDeadline(IFutureDeadline deadline)
    {
        lock (_gate)
        {
            _timerHeap.Remove(deadline);
        }
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

            PulseLoopThread();
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

    /// <summary>Whether <paramref name="timer"/>, moved to the ready queue in generation <paramref name="generation"/>, may
    /// still fire: not disposed, re-armed or disarmed since.</summary>
    internal bool IsStillDue(LoopTimer timer, int generation)
    {
        lock (_gate)
        {
            return !timer.IsDisposed && timer.Generation == generation;
        }
    }

    private void Arm(ITimerHeapEntry entry, long due) => _timerHeap.Add(entry, due);

    private void Disarm(LoopTimer timer)
    {
        _timerHeap.Remove(timer);

        // A new generation: a firing of this timer already in the ready queue no longer runs.
        timer.Generation = unchecked(timer.Generation + 1);
    }

    /// <summary>The due time of the earliest armed timer, or <see cref="long.MaxValue"/> when none will ever be due.</summary>
    private long NextDueTicks() => _timerHeap.TryPeek(out _, out long due) ? due : long.MaxValue;

    /// <summary>Moves every timer due by now into the ready queue, earliest first, ties in arming order.</summary>
    private void MoveDueTimersToReady()
    {
        long now = NowTicks;
        while (_timerHeap.TryPeek(out ITimerHeapEntry entry, out long due) && due <= now)
        {
            _timerHeap.Remove(entry);
            if (entry is IFutureDeadline deadline)
            {
                _ready.Enqueue(new ReadyItem(static s => ((IFutureDeadline)s!).OnDeadline(), deadline, _futureDeadlineContext));
                continue;
            }

            var timer = (LoopTimer)entry;
            timer.QueuedGeneration = timer.Generation;
            _ready.Enqueue(new ReadyItem(static s => ((LoopTimer)s!).Fire(), timer, null));
            if (timer.PeriodTicks > 0)
            {
                // The next period is armed anew (a new sequence), in the same generation: the firing above still runs.
                Arm(timer, SaturatingAdd(due, timer.PeriodTicks));
            }
        }
    }

    private void AdvanceVirtualClockTo(long due) => Volatile.Write(ref _virtualNow, due);

    private void ClearTimers() => _timerHeap.Clear();

    private static long SaturatingAdd(long a, long b) => b > long.MaxValue - a ? long.MaxValue : a + b;
}
