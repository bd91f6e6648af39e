namespace AsyncNotes;

/// <summary>The loop's clock as a <see cref="TimeProvider"/>: virtual or real, with timers that fire on the loop thread.</summary>
internal sealed class LoopTimeProvider : TimeProvider
{
    private readonly EventLoop _loop;
    private readonly long _realStart;

    public LoopTimeProvider(EventLoop loop)
    {
        _loop = loop;
        _realStart = System.GetTimestamp();
    }

    /// <summary>The loop whose clock this is.</summary>
    internal EventLoop Loop => _loop;

    /// <summary>Real time since the loop started, in <see cref="TimeSpan"/> ticks.</summary>
    internal long RealElapsedTicks => System.GetElapsedTime(_realStart).Ticks;

    public override DateTimeOffset GetUtcNow() =>
        _loop.IsVirtualTime ? _loop.Options.VirtualStart + _loop.Elapsed : System.GetUtcNow();

    public override long GetTimestamp() => _loop.IsVirtualTime ? _loop.NowTicks : System.GetTimestamp();

    public override long TimestampFrequency => _loop.IsVirtualTime ? TimeSpan.TicksPerSecond : System.TimestampFrequency;

    // A virtual clock has no business with the machine's time zone: a run must print the same everywhere.
    public override TimeZoneInfo LocalTimeZone => _loop.IsVirtualTime ? TimeZoneInfo.Utc : System.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        _loop.CreateTimer(callback, state, dueTime, period);
}
