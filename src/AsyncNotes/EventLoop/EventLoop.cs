namespace AsyncNotes;

/// <summary>
/// A single-threaded event loop: one thread, one loop, many tasks. Ready continuations run one at a time, first in,
/// first out, on the thread that called <see cref="AsyncIO.Run(Func{Task}, EventLoopOptions?)"/>.
/// </summary>
/// <remarks>
/// <para>Maps asyncio's event loop, the thing <c>asyncio.run</c> creates and <c>asyncio.get_running_loop()</c> returns.
/// The Python lines it replaces:</para>
/// <code>
/// loop = asyncio.get_running_loop()
/// now = loop.time()
/// </code>
/// <para>Differs from the thread pool, where a plain <c>static async Task Main</c> runs:</para>
/// <list type="bullet">
///   <item>Continuations captured on the loop come back to the loop's thread, in the order they became ready; on the
///   thread pool they run on any thread, in any order, and in parallel.</item>
///   <item>Its clock is <see cref="Time"/>, a <see cref="TimeProvider"/>; with <see cref="EventLoopOptions.VirtualTime"/>
///   it is virtual and jumps to the next due timer when nothing is ready, so timing is exact and repeatable.</item>
///   <item>Timers on <see cref="Time"/> fire on the loop thread, and timers due at the same instant fire in the order they
///   were armed (a <c>Change</c> or a periodic timer's next period arms anew, as asyncio makes a new handle).</item>
/// </list>
/// <para>Rules:</para>
/// <list type="bullet">
///   <item>Work that leaves the loop (<c>Task.Run</c>, <c>ConfigureAwait(false)</c>, an I/O completion) comes back through
///   the loop's <see cref="SynchronizationContext"/> when it is awaited with the context captured (the default).</item>
///   <item>Work the loop started elsewhere itself, through <see cref="AsyncIO.ToThreadAsync{T}(Func{T}, CancellationToken)"/>,
///   is tracked exactly: virtual time does not jump while it is in flight. Code of the loop's that runs on the thread pool
///   any other way (<c>Task.Run</c>, a <c>ConfigureAwait(false)</c> continuation) is followed by its execution context and the
///   pool's queue, with a short real-time quiet period (see <see cref="EventLoopOptions.OffLoopPatience"/>): a heuristic that
///   holds the clock in practice but cannot see a worker that has taken the item and not yet started it. Prefer
///   <c>ToThreadAsync</c>. Work the loop cannot see at all (sockets, files, a system timer) needs an
///   <see cref="EventLoopOptions.AutoJumpThreshold"/>.</item>
///   <item>When the run ends, callbacks still queued are discarded, and so is anything posted later (asyncio's
///   <c>loop.close()</c>): no code of a finished run executes after <see cref="AsyncIO.Run(Func{Task}, EventLoopOptions?)"/>
///   returns. Tasks the loop knows of were cancelled and awaited before that; an untracked hot task still waiting stays pending.</item>
///   <item>A <see cref="TaskCompletionSource"/> that loop code completes is best created <em>without</em>
///   <see cref="TaskCreationOptions.RunContinuationsAsynchronously"/> and completed from a loop callback, as AsyncNotes does
///   internally (asyncio's <c>set_result</c> schedules its waiters the same way). With that flag, continuations that are not
///   an <c>await</c> (those of <c>Task.WhenAll</c>, <c>WhenAny</c>, <c>ContinueWith</c>) run on the thread pool, out of the
///   loop's sight, and a virtual loop may declare a deadlock before they post back.</item>
///   <item>For the same reason, cancel with <see cref="CancellationTokenSource.Cancel()"/> on the loop, not
///   <see cref="CancellationTokenSource.CancelAsync"/>, which runs the token's callbacks on the thread pool.</item>
/// </list>
/// <seealso href="https://docs.python.org/3/library/asyncio-eventloop.html">asyncio event loop</seealso>
/// </remarks>
public sealed partial class EventLoop : IDisposable
{
    [ThreadStatic]
    private static EventLoop? t_current;

    private readonly EventLoopSynchronizationContext _context;

    // The context under which futures' deadlines fire (see IFutureDeadline): shared, because no code that could capture it
    // runs under it.
    private readonly EventLoopSynchronizationContext _futureDeadlineContext;
    private readonly LoopTimeProvider _time;
    private readonly int _threadId;
    private bool _running;

    internal EventLoop(EventLoopOptions options)
    {
        Options = options;
        _threadId = Environment.CurrentManagedThreadId;
        _context = new EventLoopSynchronizationContext(this);
        _futureDeadlineContext = new EventLoopSynchronizationContext(this);
        _time = new LoopTimeProvider(this);
    }

    /// <summary>Gets the loop running on the calling thread, or <see langword="null"/> off any loop.</summary>
    /// <remarks>Maps <c>asyncio.get_running_loop()</c>, which raises off a loop; this returns <see langword="null"/> instead.</remarks>
    public static EventLoop? Current => t_current;

    /// <summary>Gets the options the loop was created with.</summary>
    public EventLoopOptions Options { get; }

    /// <summary>Gets whether the loop's clock is virtual.</summary>
    public bool IsVirtualTime => Options.VirtualTime;

    /// <summary>Gets the loop's clock as a <see cref="TimeProvider"/>: pass it to BCL and Polly APIs that take one.</summary>
    /// <remarks>
    /// <para>Maps <c>loop.time()</c> and the timers behind <c>loop.call_later</c>. Timers created on it fire on the loop thread,
    /// those due at the same instant in the order they were armed (<c>Change</c> arms anew). On a virtual loop the clock moves only when the loop jumps it.</para>
    /// <code>await Task.Delay(TimeSpan.FromSeconds(5), EventLoop.Current!.Time, cancellationToken);</code>
    /// </remarks>
    public TimeProvider Time => _time;

    /// <summary>Gets how much time has passed on the loop's clock since the loop started.</summary>
    /// <remarks>Maps <c>loop.time()</c>, measured from the start of the run. On a virtual loop it is exact: three concurrent
    /// sleeps of 1, 2 and 3 seconds end with <see cref="Elapsed"/> at exactly 3 seconds.</remarks>
    public TimeSpan Elapsed => TimeSpan.FromTicks(NowTicks);

    /// <summary>Gets whether the calling thread is the loop's thread.</summary>
    public bool IsOnLoopThread => Environment.CurrentManagedThreadId == _threadId && t_current == this;

    /// <summary>Completes when the loop has nothing left that is ready to run, before its clock moves on.</summary>
    /// <remarks>
    /// <para>asyncio has no public counterpart; test code in CPython gets the same with <c>test_utils.run_briefly</c>.
    /// Use it to assert "not yet" at a determined point, instead of waiting a while and hoping:</para>
    /// <code>await loop.WaitUntilIdleAsync(); task.IsCompleted.Should().BeFalse();</code>
    /// <para>The continuation after the await is itself posted to the loop, so it runs once every callback that was ready
    /// before the loop went idle has run; on a virtual loop the clock has not moved.</para>
    /// </remarks>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the loop is next idle.</returns>
    /// <exception cref="ObjectDisposedException">The loop has closed.</exception>
    public Task WaitUntilIdleAsync(CancellationToken cancellationToken = default) => AddIdleWaiterAsync(cancellationToken);

    /// <summary>Closes the loop: queued callbacks, armed timers and later posts are discarded, as by asyncio's <c>loop.close()</c>.</summary>
    /// <remarks>Like asyncio's <c>loop.close()</c>, which raises on a running loop, it refuses a loop that is still running:
    /// <see cref="AsyncIO.Run(Func{Task}, EventLoopOptions?)"/> closes its loop itself when the run ends.</remarks>
    /// <exception cref="InvalidOperationException">The loop is running.</exception>
    public void Dispose()
    {
        if (Volatile.Read(ref _running))
        {
            throw new InvalidOperationException("The event loop is running: it cannot be closed from inside its run. Let main return (or cancel it); AsyncIO.Run closes the loop when the run ends.");
        }

        Close();
    }

    internal EventLoopSynchronizationContext SynchronizationContext => _context;

    internal static EventLoop? CurrentOnThisThread => t_current;
}
