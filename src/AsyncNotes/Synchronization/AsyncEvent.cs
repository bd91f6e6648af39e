namespace AsyncNotes;

/// <summary>An event that async code can wait for: asyncio's <c>Event</c>.</summary>
/// <remarks>
/// <para>Maps asyncio's <c>Event</c>. The Python lines it replaces:</para>
/// <code>
/// ready = asyncio.Event()
/// await ready.wait()      # in one task
/// ready.set()             # in another
/// </code>
/// <para>The rules:</para>
/// <list type="bullet">
///   <item><see cref="Set"/> wakes every waiter, in the order they started waiting; each is scheduled on the loop, after the
///   caller of <see cref="Set"/> yields, never run inside it.</item>
///   <item><see cref="WaitAsync"/> on a set event completes at once, without a turn.</item>
///   <item>A waiter woken by <see cref="Set"/> returns even if <see cref="Clear"/> ran before its turn; it then sees
///   <see cref="IsSet"/> false.</item>
///   <item>A cancelled wait leaves no waiter behind.</item>
/// </list>
/// <para>Against the BCL: <see cref="ManualResetEventSlim"/> blocks a thread; a <see cref="TaskCompletionSource"/> cannot be
/// cleared and wakes its awaiters in the runtime's order (or inline, without <c>RunContinuationsAsynchronously</c>).</para>
/// </remarks>
public sealed class AsyncEvent
{
    private static readonly Task<bool> s_true = Task.FromResult(true);
    private readonly object _gate = new();
    private readonly WaiterQueue<bool> _waiters = new("AsyncEvent.WaitAsync");
    private bool _value;

    /// <summary>Whether the event is set (asyncio's <c>is_set()</c>).</summary>
    public bool IsSet
    {
        get
        {
            lock (_gate)
            {
                return _value;
            }
        }
    }

    /// <summary>Sets the event and wakes every waiter: asyncio's <c>event.set()</c>.</summary>
    /// <remarks>
    /// <para>Maps asyncio's <c>Event.set</c>. The Python line it replaces:</para>
    /// <code>event.set()</code>
    /// </remarks>
    public void Set()
    {
        lock (_gate)
        {
            if (_value)
            {
                return;
            }

            _value = true;
            _waiters.WakeAll(true);
        }
    }

    /// <summary>Clears the event; later waits wait again: asyncio's <c>event.clear()</c>.</summary>
    /// <remarks>
    /// <para>Maps asyncio's <c>Event.clear</c>. The Python line it replaces:</para>
    /// <code>event.clear()</code>
    /// </remarks>
    public void Clear()
    {
        lock (_gate)
        {
            _value = false;
        }
    }

    /// <summary>Waits until the event is set: asyncio's <c>await event.wait()</c>.</summary>
    /// <remarks>
    /// <para>Maps asyncio's <c>Event.wait</c>. The Python line it replaces:</para>
    /// <code>await event.wait()</code>
    /// <para>A token that is already cancelled throws at once, even when the event is set (the .NET convention).</para>
    /// </remarks>
    /// <param name="cancellationToken">Cancels this wait.</param>
    /// <returns><see langword="true"/>, as asyncio's <c>wait()</c> returns <c>True</c>.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public Task<bool> WaitAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<bool>(cancellationToken);
        }

        lock (_gate)
        {
            return _value ? s_true : _waiters.EnqueueAsync(cancellationToken);
        }
    }
}
