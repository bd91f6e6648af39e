namespace AsyncNotes;

/// <summary>A first-in, first-out queue of waiters, each a <see cref="QueuedWaiter{T}"/>: the base that locks, semaphores,
/// events, conditions, barriers and queues are small state machines over (asyncio's <c>_waiters</c> deque).</summary>
/// <remarks>
/// <list type="bullet">
///   <item><see cref="EnqueueAsync"/> adds a waiter at the back, with its own token.</item>
///   <item><see cref="TryWakeOne"/> decides the result of the waiter at the front that is still pending; <see cref="WakeAll"/>
///   of every pending waiter, in queue order. Each woken waiter is scheduled on the loop, behind the callbacks already
///   ready, in the order it was woken.</item>
///   <item>A waiter whose token is cancelled is decided at once (cancelled) and removes itself; it is never woken
///   afterwards.</item>
///   <item>With an <see cref="IWaiterOwner{T}"/>, every decided waiter runs the owner's resume step before its awaiter
///   resumes, in the same scheduled step (see <see cref="QueuedWaiter{T}"/>).</item>
///   <item>Thread-safe; the owner's own lock may be held around any call. The waiters are their own list nodes: one object
///   per wait.</item>
/// </list>
/// </remarks>
/// <typeparam name="T">What a waiter is woken with.</typeparam>
internal sealed class WaiterQueue<T>
{
    private readonly object _gate = new();
    private readonly NodeList<QueuedWaiter<T>> _waiters = new();

    private readonly string _call;

    /// <summary>Creates a queue; <paramref name="owner"/>, when given, runs each waiter's resume step.</summary>
    /// <param name="call">The API that waits on this queue, for debug mode's message (<see cref="EventLoop.CurrentFor"/>).</param>
    /// <param name="owner">The primitive whose resume step every decided waiter runs, if any.</param>
    public WaiterQueue(string call, IWaiterOwner<T>? owner = null)
    {
        _call = call;
        Owner = owner;
    }

    /// <summary>The primitive whose resume step every decided waiter runs, if any.</summary>
    public IWaiterOwner<T>? Owner { get; }

    /// <summary>The number of waiters still queued. Read without the queue's lock: a waiter is queued only under its owner's
    /// lock, so an owner holding its lock never reads 0 while one of its waiters is queued.</summary>
    public int Count => _waiters.Count;

    /// <summary>Queues a waiter at the back.</summary>
    /// <param name="cancellationToken">Cancels this waiter only.</param>
    /// <returns>The waiter's task: the value it is woken with, or cancelled.</returns>
    public Task<T> EnqueueAsync(CancellationToken cancellationToken = default)
    {
        var waiter = new QueuedWaiter<T>(this, EventLoop.CurrentFor(_call), cancellationToken);
        if (cancellationToken.IsCancellationRequested)
        {
            waiter.TrySetCanceled(cancellationToken);
            return waiter.Task;
        }

        lock (_gate)
        {
            _waiters.AddLast(waiter);
        }

        waiter.RegisterToken();
        return waiter.Task;
    }

    /// <summary>Wakes the first pending waiter with <paramref name="value"/>; false when there is none.</summary>
    public bool TryWakeOne(T value)
    {
        while (TakeFirst() is { } waiter)
        {
            if (waiter.TrySetResult(value))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Wakes every pending waiter with <paramref name="value"/>, in queue order; returns how many.</summary>
    public int WakeAll(T value)
    {
        int woken = 0;
        while (TakeFirst() is { } waiter)
        {
            woken += waiter.TrySetResult(value) ? 1 : 0;
        }

        return woken;
    }

    /// <summary>Fails every pending waiter with <paramref name="exception"/>, in queue order (the owner has closed).</summary>
    public void FailAll(Exception exception)
    {
        while (TakeFirst() is { } waiter)
        {
            waiter.TrySetException(exception);
        }
    }

    /// <summary>Decides a waiter that leaves the queue (<paramref name="decide"/>, which must not deliver) and unlinks it in
    /// one step under the queue's lock, so that <see cref="Count"/> never counts a waiter that has already left (an owner
    /// deciding "is anyone waiting?" from it would otherwise queue a newcomer behind a waiter that is gone, with nobody left
    /// to wake it). Returns whether <paramref name="decide"/> won; the caller then delivers, outside the lock.</summary>
    internal bool Leave(QueuedWaiter<T> waiter, Func<bool> decide)
    {
        lock (_gate)
        {
            if (!decide())
            {
                return false;
            }

            if (waiter.IsLinked)
            {
                _waiters.Remove(waiter);
            }

            return true;
        }
    }

    private QueuedWaiter<T>? TakeFirst()
    {
        lock (_gate)
        {
            if (_waiters.First is not { } first)
            {
                return null;
            }

            _waiters.Remove(first);
            return first;
        }
    }
}
