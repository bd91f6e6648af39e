namespace AsyncNotes;

/// <summary>Settings for the <see cref="EventLoop"/> that <see cref="AsyncIO.Run(Func{Task}, EventLoopOptions?)"/> creates.</summary>
/// <remarks>
/// <para>Maps the settings of the loop <c>asyncio.run</c> creates (its exception handler), plus the virtual clock of a test
/// loop, which asyncio itself does not have. asyncio's <c>debug=</c> (slow-callback reports) is not implemented yet. The
/// Python line it replaces:</para>
/// <code>asyncio.get_running_loop().set_exception_handler(handler)</code>
/// <para>The defaults behave like <c>asyncio.run</c>: real time, no virtual clock, no exception handler.</para>
/// </remarks>
public sealed record EventLoopOptions
{
    /// <summary>The options <see cref="AsyncIO.Run(Func{Task}, EventLoopOptions?)"/> uses when none are given: real time.</summary>
    public static EventLoopOptions Default { get; } = new();

    /// <summary>Options for a loop on a virtual clock: the clock jumps to the next due timer whenever nothing is ready to run.</summary>
    public static EventLoopOptions Virtual { get; } = new() { VirtualTime = true };

    /// <summary>Gets whether the loop's clock is virtual.</summary>
    /// <value>
    /// <see langword="false"/> by default: the loop runs on <see cref="TimeProvider.System"/>, as <c>asyncio.run</c> does.
    /// When <see langword="true"/>, the clock starts at <see cref="VirtualStart"/> and stands still while callbacks run;
    /// when no callback is ready and no tracked work is in flight, it jumps to the next due timer. 100,000 one-hour
    /// sleeps then take about 135 ms of real time (see bench/results), in the same order on every run.
    /// </value>
    public bool VirtualTime { get; init; }

    /// <summary>Gets the wall-clock date and time the virtual clock starts at.</summary>
    /// <value>2000-01-01T00:00:00Z by default. Only used when <see cref="VirtualTime"/> is <see langword="true"/>.</value>
    public DateTimeOffset VirtualStart { get; init; } = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Gets how long, in real time, an idle virtual loop waits for work to arrive from other threads before its clock jumps.</summary>
    /// <value>
    /// <see cref="TimeSpan.Zero"/> by default, right for code that never leaves the loop. In the spirit of Trio's
    /// <c>autojump_threshold</c>: raise it (to tens of milliseconds) when the code under test does real I/O or uses
    /// <c>Task.Run</c> without <see cref="AsyncIO.ToThreadAsync{T}(Func{T}, CancellationToken)"/>, so that a completion
    /// arriving from another thread is seen before virtual time moves on or a deadlock is declared. Must not be negative.
    /// </value>
    public TimeSpan AutoJumpThreshold
    {
        get => _autoJumpThreshold;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, TimeSpan.FromMilliseconds(int.MaxValue));
            _autoJumpThreshold = value;
        }
    }

    private readonly TimeSpan _autoJumpThreshold;

    /// <summary>Gets the handler for exceptions that no awaiter can receive (asyncio's <c>loop.set_exception_handler</c>).</summary>
    /// <value>
    /// <see langword="null"/> by default: such an exception ends <see cref="AsyncIO.Run(Func{Task}, EventLoopOptions?)"/>,
    /// which rethrows it, rather than being logged and lost. When set, the handler receives each one and the loop goes on.
    /// The handler runs on the loop thread; an exception it throws ends the run.
    /// </value>
    public Action<EventLoopExceptionContext>? ExceptionHandler { get; init; }
}
