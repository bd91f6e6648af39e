namespace AsyncNotes;

/// <summary>A first-in, first-out queue of waiters, each a <see cref="LoopFuture{T}"/>: the base that locks, semaphores,
/// events, conditions, barriers and queues are small state machines over (asyncio's <c>_waiters</c> deque).</summary>
/// <remarks>
/// <list type="bullet">
///   <item><see cref="EnqueueAsync"/> adds a waiter at the back, with its own token and optional deadline.</item>
///   <item><see cref="TryWakeOne"/> decides the result of the waiter at the front that is still pending; <see cref="WakeAll"/>
///   of every pending waiter, in queue order. Each woken waiter is scheduled on the loop, behind the callbacks already
///   ready, in the order it was woken.</item>
///   <item>A waiter whose token is cancelled, or whose deadline passes, is decided at once (cancelled, or failed with
///   <see cref="TimeoutException"/>) and removes itself; it is never woken afterwards.</item>
///   <item>Thread-safe; the owner's own lock may be held around any call.</item>
/// </list>
/// </remarks>
/// <typeparam name="T">What a waiter is woken with.</typeparam>
internal sealed class WaiterQueue<T>
{
    private readonly object _gate = new();
    private readonly LinkedList<LoopFuture<T>> _waiters = new();

    /// <summary>The number of waiters still queued.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _waiters.Count;
            }
        }
    }

    /// <summary>Queues a waiter at the back.</summary>
    /// <param name="timeout">A deadline from now on <paramref name="time"/>; null for none.</param>
    /// <param name="time">The clock of <paramref name="timeout"/>; the current loop's (or the system's) when null.</param>
    /// <param name="cancellationToken">Cancels this waiter only.</param>
    /// <returns>The waiter's task: the value it is woken with; cancelled, or a <see cref="TimeoutException"/>.</returns>
    public Task<T> EnqueueAsync(TimeSpan? timeout = null, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var waiter = new LoopFuture<T>();
        if (cancellationToken.IsCancellationRequested)
        {
            waiter.TrySetCanceled(cancellationToken);
            return waiter.Task;
        }

        LinkedListNode<LoopFuture<T>> node;
        lock (_gate)
        {
            node = _waiters.AddLast(waiter);
        }

        var self = new Entry(this, node);
        if (cancellationToken.CanBeCanceled)
        {
            CancellationTokenRegistration registration = cancellationToken.UnsafeRegister(
                static (s, token) => ((Entry)s!).Cancel(token), self);
            _ = TaskObserver.Watch(waiter.Task, null, static (_, r) => ((CancellationTokenRegistration)r!).Unregister(), registration);
        }

        if (!LoopDeadline.IsInfinite(timeout))
        {
            waiter.ExpireAfter(LoopAware.ResolveTime(time), timeout!.Value, _ => self.Expire());
        }

        return waiter.Task;
    }

    /// <summary>Wakes the first pending waiter with <paramref name="value"/>; false when there is none.</summary>
    public bool TryWakeOne(T value)
    {
        while (true)
        {
            LoopFuture<T> waiter;
            lock (_gate)
            {
                if (_waiters.First is not { } first)
                {
                    return false;
                }

                waiter = first.Value;
                _waiters.RemoveFirst();
            }

            if (waiter.TrySetResult(value))
            {
                return true;
            }
        }
    }

    /// <summary>Wakes every pending waiter with <paramref name="value"/>, in queue order; returns how many.</summary>
    public int WakeAll(T value)
    {
        int woken = 0;
        foreach (LoopFuture<T> waiter in TakeAll())
        {
            woken += waiter.TrySetResult(value) ? 1 : 0;
        }

        return woken;
    }

    /// <summary>Fails every pending waiter with <paramref name="exception"/>, in queue order (the owner has closed).</summary>
    public void FailAll(Exception exception)
    {
        foreach (LoopFuture<T> waiter in TakeAll())
        {
            waiter.TrySetException(exception);
        }
    }

    private LoopFuture<T>[] TakeAll()
    {
        lock (_gate)
        {
            LoopFuture<T>[] waiters = [.. _waiters];
            _waiters.Clear();
            return waiters;
        }
    }

    /// <summary>Decides a waiter that leaves the queue and unlinks it in one step under the queue's lock, so that
    /// <see cref="Count"/> never counts a waiter that has already left (an owner deciding "is anyone waiting?" from it would
    /// otherwise queue a newcomer behind a waiter that is gone, with nobody left to wake it).</summary>
    private void Leave(LinkedListNode<LoopFuture<T>> node, Func<LoopFuture<T>, bool> decide)
    {
        lock (_gate)
        {
            if (decide(node.Value) && node.List is not null)
            {
                _waiters.Remove(node);
            }
        }
    }

    private sealed class Entry(WaiterQueue<T> queue, LinkedListNode<LoopFuture<T>> node)
    {
        // Decided inside the Cancel() call (a wake that comes later skips it); the delivery to the awaiter is scheduled, so no
        // user code runs under the queue's lock.
        public void Cancel(CancellationToken token) => queue.Leave(node, waiter => waiter.TrySetCanceled(token));

        public void Expire() => queue.Leave(node, static waiter => waiter.TrySetException(new TimeoutException("The wait did not end within its time limit.")));
    }
}
