namespace AsyncNotes.Tests.Infrastructure;

/// <summary>A clock that moves only when told to, with timers that fire inside <see cref="Advance"/>.</summary>
/// <remarks>
/// For tests off the loop that must prove a <see cref="TimeProvider"/> was really used: nothing here moves with real time,
/// so an API that ignored the injected clock and used the system's would be caught. Due timers fire on the thread that calls
/// <see cref="Advance"/>, in due order (creation order for equal due times), outside the provider's lock.
/// </remarks>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private readonly DateTimeOffset _start;
    private long _ticks;
    private long _sequence;

    public ManualTimeProvider()
        : this(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    public ManualTimeProvider(DateTimeOffset start) => _start = start;

    /// <summary>The timers that are armed now.</summary>
    public int ActiveTimerCount
    {
        get
        {
            lock (_gate)
            {
                return _timers.Count(t => t.DueTicks is not null);
            }
        }
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override DateTimeOffset GetUtcNow() => _start + TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new ManualTimer(this, callback, state);
        lock (_gate)
        {
            _timers.Add(timer);
        }

        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock on by <paramref name="by"/>, firing every timer that falls due on the way, in due order.</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        long target = Interlocked.Read(ref _ticks) + by.Ticks;
        while (true)
        {
            ManualTimer? next;
            lock (_gate)
            {
                next = _timers.Where(t => t.DueTicks is { } due && due <= target).OrderBy(t => t.DueTicks).ThenBy(t => t.Sequence).FirstOrDefault();
                if (next is null)
                {
                    Interlocked.Exchange(ref _ticks, target);
                    return;
                }

                Interlocked.Exchange(ref _ticks, Math.Max(Interlocked.Read(ref _ticks), next.DueTicks!.Value));
                next.DueTicks = next.PeriodTicks is { } period ? next.DueTicks + period : null;
            }

            next.Fire();
        }
    }

    private long NextSequence() => ++_sequence;

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public long? DueTicks { get; set; }

        public long? PeriodTicks { get; private set; }

        public long Sequence { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                if (!owner._timers.Contains(this))
                {
                    return false;
                }

                Sequence = owner.NextSequence();
                DueTicks = dueTime == Timeout.InfiniteTimeSpan ? null : Interlocked.Read(ref owner._ticks) + Math.Max(0, dueTime.Ticks);
                PeriodTicks = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? null : period.Ticks;
                return true;
            }
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
