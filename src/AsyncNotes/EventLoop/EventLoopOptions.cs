namespace AsyncNotes;

/// <summary>Settings for the <see cref="EventLoop"/> that <see cref="AsyncIO.Run(Func{Task}, EventLoopOptions?)"/> creates.</summary>
/// <remarks>
/// <para>Maps the settings of the loop <c>asyncio.run</c> creates (its exception handler, and debug mode's slow-callback
/// reports), plus the virtual clock of a test loop, which asyncio itself does not have. The Python line it replaces:</para>
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
    /// sleeps then take about 130 ms of real time (see bench/results), in the same order on every run.
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

    /// <summary>Gets how long, in real time, an idle virtual loop waits for its own work running off the loop before its clock
    /// may move on to the next due timer.</summary>
    /// <value>
    /// Two seconds by default. Work of the loop's in flight elsewhere (<see cref="AsyncIO.ToThreadAsync{T}(Func{T}, CancellationToken)"/>,
    /// and any code that continues on the thread pool from the loop) holds the virtual clock, so that the loop does not jump
    /// ahead of a completion that is on its way. Work that is still running after this long while a timer is due is taken
    /// to be waiting for the loop itself (a thread blocked until a loop task releases it after a sleep), and the clock moves
    /// on rather than hang; with no timer due, the run ends with an <see cref="EventLoopDeadlockException"/> that names the
    /// work in flight. The patience runs only once the thread pool has started every <c>ToThreadAsync</c> item, and, while
    /// none of the loop's work is seen running, once the pool's queue is empty (for up to 30 seconds): on a starved pool, work
    /// still queued is late, not waiting for the loop. Raise it for CPU-bound work that takes longer on a virtual loop.
    /// Must be positive.
    /// </value>
    public TimeSpan OffLoopPatience
    {
        get => _offLoopPatience;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _offLoopPatience = value;
        }
    }

    private readonly TimeSpan _offLoopPatience = TimeSpan.FromSeconds(2);

    /// <summary>Gets the handler for exceptions that no awaiter can receive (asyncio's <c>loop.set_exception_handler</c>).</summary>
    /// <value>
    /// <see langword="null"/> by default: such an exception ends <see cref="AsyncIO.Run(Func{Task}, EventLoopOptions?)"/>,
    /// which rethrows it, rather than being logged and lost. When set, the handler receives each one and the loop goes on.
    /// The handler runs on the loop thread; an exception it throws ends the run.
    /// </value>
    public Action<EventLoopExceptionContext>? ExceptionHandler { get; init; }

    /// <summary>Gets whether the loop runs in debug mode's thread check (asyncio's debug mode:
    /// <c>asyncio.run(main(), debug=True)</c>).</summary>
    /// <value>
    /// <para><see langword="false"/> by default. When <see langword="true"/>, an AsyncNotes call made by the loop's own code
    /// after it has left the loop's thread throws <see cref="InvalidOperationException"/>, as asyncio's debug mode raises
    /// <c>RuntimeError</c> for a loop method called from another thread. Without it such a call silently runs as off any
    /// loop: on the thread pool and the system clock (a one-hour sleep on a virtual loop takes an hour).</para>
    /// <para>Rules:</para>
    /// <list type="bullet">
    ///   <item>Checked: the calls that bind to the current loop (<c>SleepAsync</c>, <c>CreateTask</c>, <c>GatherAsync</c>,
    ///   <c>WaitAsync</c>, <c>AsCompleted</c>, <c>WaitForAsync</c>, <c>TimeoutAsync</c>, <c>StaggeredRaceAsync</c>,
    ///   <c>MapAsync</c>, <c>ToThreadAsync</c>, <c>TaskGroup.RunAsync</c>, and a wait on a lock, semaphore, event, condition,
    ///   barrier or queue), when made on a thread other than the loop's by code that the loop started (its execution
    ///   context flowed there) while the run is still going.</item>
    ///   <item>The usual cause is an <c>await ... .ConfigureAwait(false)</c> earlier in a method that runs on the loop; the
    ///   others are a <c>Task.Run</c> or <c>ToThreadAsync</c> whose work calls back into AsyncNotes (asyncio's
    ///   <c>to_thread</c> work cannot use the loop either).</item>
    ///   <item>Not seen: code off the loop that touches no AsyncNotes API (a plain field written from two threads); keep
    ///   loop code on the loop by awaiting with the context captured (the default).</item>
    ///   <item>Off any loop, and on a loop without debug mode, nothing is checked and nothing costs.</item>
    /// </list>
    /// <para>asyncio's debug mode also reports slow callbacks: set <see cref="SlowCallbackDuration"/> (asyncio's default in
    /// debug mode is 100 ms).</para>
    /// </value>
    public bool Debug { get; init; }

    /// <summary>Gets how long a callback may hold the loop before it is reported as slow (asyncio's debug mode and its
    /// <c>loop.slow_callback_duration</c>).</summary>
    /// <value>
    /// <see langword="null"/> by default: callbacks are not timed, as asyncio outside debug mode. When set (asyncio's debug
    /// default is 100 ms), every callback is timed in real time on <see cref="SlowCallbackClock"/>, and one that takes at least
    /// this long is reported, with the task it belonged to, to <see cref="SlowCallbackHandler"/> (or, without one, as a
    /// <see cref="System.Diagnostics.Trace"/> warning, as asyncio logs one). The clock of a virtual loop stands still
    /// during a callback, so this is the one place its real duration shows. Must be positive.
    /// </value>
    public TimeSpan? SlowCallbackDuration
    {
        get => _slowCallbackDuration;
        init
        {
            if (value is { } duration)
            {
                ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero, nameof(value));
            }

            _slowCallbackDuration = value;
        }
    }

    private readonly TimeSpan? _slowCallbackDuration;

    /// <summary>Gets the handler for slow-callback reports.</summary>
    /// <value><see langword="null"/> by default (reports become <see cref="System.Diagnostics.Trace"/> warnings). The handler
    /// runs on the loop thread, right after the slow callback; an exception it throws goes to <see cref="ExceptionHandler"/>.</value>
    public Action<SlowCallback>? SlowCallbackHandler { get; init; }

    /// <summary>Gets the clock that times callbacks for <see cref="SlowCallbackDuration"/>.</summary>
    /// <value><see langword="null"/> by default, meaning <see cref="TimeProvider.System"/>: a callback's duration is real
    /// time even on a virtual loop. Tests inject a clock of their own to make the measurement deterministic.</value>
    public TimeProvider? SlowCallbackClock { get; init; }
}
