namespace AsyncNotes;

/// <summary>A condition variable for async code: asyncio's <c>Condition</c>, over an <see cref="AsyncLock"/>.</summary>
/// <remarks>
/// <para>Maps asyncio's <c>Condition</c>. The Python lines it replaces:</para>
/// <code>
/// async with cond:
///     await cond.wait_for(lambda: queue)
/// </code>
/// <para>In C#: <c>using (await cond.AcquireAsync(ct)) { await cond.WaitForAsync(() => queue.Count > 0, ct); }</c>. The rules:</para>
/// <list type="bullet">
///   <item><see cref="WaitAsync"/> releases the lock, waits for a notification, and re-acquires the lock before it returns,
///   even when it is cancelled: a cancelled wait throws <see cref="OperationCanceledException"/> only once the lock is held
///   again, so the caller's <c>using</c> releases it as usual.</item>
///   <item><see cref="Notify"/> wakes up to <c>n</c> waiters in the order they began waiting; <see cref="NotifyAll"/> wakes every
///   one. A woken waiter returns only once it has the lock, so they proceed one at a time.</item>
///   <item>A waiter cancelled after it was notified passes the notification on to the next waiter (asyncio 3.13).</item>
///   <item><see cref="WaitAsync"/>, <see cref="Notify"/> and <see cref="NotifyAll"/> need the lock held, by anyone (it has no
///   owner): otherwise <see cref="InvalidOperationException"/>.</item>
///   <item>A condition built on an existing <see cref="AsyncLock"/> shares that lock's state.</item>
/// </list>
/// <para>Against the BCL: <see cref="Monitor.Wait(object)"/> and <see cref="Monitor.Pulse(object)"/> block a thread and
/// belong to a thread's lock; there is no async condition variable.</para>
/// </remarks>
public sealed class AsyncCondition
{
    private readonly WaiterQueue<bool> _waiters;

    /// <summary>Creates a condition with a lock of its own, or over <paramref name="asyncLock"/>.</summary>
    /// <param name="asyncLock">The lock to share; a new one when <see langword="null"/>.</param>
    public AsyncCondition(AsyncLock? asyncLock = null)
        : this(asyncLock ?? new AsyncLock(), "AsyncCondition.WaitAsync")
    {
    }

    /// <summary>Creates a condition whose waits (and, with a lock of its own, the waits for that lock) debug mode reports as
    /// <paramref name="waitCall"/>: the public call of a primitive built on the condition (<see cref="AsyncBarrier.WaitAsync"/>).</summary>
    internal AsyncCondition(AsyncLock? asyncLock, string waitCall)
    {
        Lock = asyncLock ?? new AsyncLock(waitCall);
        _waiters = new WaiterQueue<bool>(waitCall);
    }

    /// <summary>The condition's lock.</summary>
    public AsyncLock Lock { get; }

    /// <summary>Whether the lock is held (asyncio's <c>cond.locked()</c>).</summary>
    public bool IsLocked => Lock.IsLocked;

    /// <summary>Takes the condition's lock: asyncio's <c>async with cond:</c>.</summary>
    /// <remarks>
    /// <para>Maps asyncio's <c>Condition.acquire</c>. The Python line it replaces:</para>
    /// <code>async with cond:</code>
    /// </remarks>
    /// <param name="cancellationToken">Cancels the wait for the lock.</param>
    /// <returns>A releaser to dispose (with <c>using</c>) to release the lock.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before the lock was held.</exception>
    public Task<AsyncReleaser> AcquireAsync(CancellationToken cancellationToken = default) => Lock.AcquireAsync(cancellationToken);

    /// <summary>Releases the condition's lock: asyncio's <c>cond.release()</c>.</summary>
    /// <remarks>
    /// <para>Maps asyncio's <c>Condition.release</c>. The Python line it replaces:</para>
    /// <code>cond.release()</code>
    /// </remarks>
    /// <exception cref="InvalidOperationException">The lock is not held.</exception>
    public void Release() => Lock.Release();

    /// <summary>Releases the lock, waits to be notified, and re-acquires the lock: asyncio's <c>await cond.wait()</c>.</summary>
    /// <remarks>
    /// <para>Maps asyncio's <c>Condition.wait</c>. The Python line it replaces:</para>
    /// <code>await cond.wait()</code>
    /// <para>The lock is held again when this completes, whether it returns or throws.</para>
    /// </remarks>
    /// <param name="cancellationToken">Cancels the wait for a notification (never the re-acquiring of the lock).</param>
    /// <returns><see langword="true"/>, as asyncio's <c>wait()</c> returns <c>True</c>.</returns>
    /// <exception cref="InvalidOperationException">The lock is not held.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; the lock is held again.</exception>
    public Task<bool> WaitAsync(CancellationToken cancellationToken = default)
    {
        if (!Lock.IsLocked)
        {
            throw new InvalidOperationException("cannot wait on un-acquired lock");
        }

        // In line first, then the lock goes: a notifier that takes the lock in between finds this waiter (the other order
        // loses that notification off a loop).
        Task<bool> notified = _waiters.EnqueueAsync(cancellationToken);
        Lock.Release();
        return WaitNotifiedAsync(notified, cancellationToken);
    }

    /// <summary>Waits until <paramref name="predicate"/> is true, re-testing it after every notification: asyncio's
    /// <c>await cond.wait_for(predicate)</c>.</summary>
    /// <remarks>
    /// <para>Maps asyncio's <c>Condition.wait_for</c>. The Python line it replaces:</para>
    /// <code>await cond.wait_for(lambda: len(queue) > 0)</code>
    /// <para>A predicate that is already true returns at once, without needing the lock; otherwise the lock must be held.</para>
    /// </remarks>
    /// <param name="predicate">Tested with the lock held.</param>
    /// <param name="cancellationToken">Cancels the waiting; the lock is held again when it throws.</param>
    /// <returns><see langword="true"/>, once the predicate is.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="predicate"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The predicate is false and the lock is not held.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; the lock is held again.</exception>
    public Task<bool> WaitForAsync(Func<bool> predicate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return predicate() ? Task.FromResult(true) : WaitUntilAsync(predicate, cancellationToken);
    }

    /// <summary>Wakes up to <paramref name="n"/> waiters, oldest first: asyncio's <c>cond.notify(n)</c>.</summary>
    /// <remarks>
    /// <para>Maps asyncio's <c>Condition.notify</c>. The Python line it replaces:</para>
    /// <code>cond.notify(1)</code>
    /// <para>Each woken waiter returns from <see cref="WaitAsync"/> once it has re-acquired the lock.</para>
    /// </remarks>
    /// <param name="n">How many waiters to wake at most; more than are waiting wakes them all.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">The lock is not held.</exception>
    public void Notify(int n = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if (!Lock.IsLocked)
        {
            throw new InvalidOperationException("cannot notify on un-acquired lock");
        }

        NotifyCore(n);
    }

    /// <summary>Wakes every waiter, oldest first: asyncio's <c>cond.notify_all()</c>.</summary>
    /// <remarks>
    /// <para>Maps asyncio's <c>Condition.notify_all</c>. The Python line it replaces:</para>
    /// <code>cond.notify_all()</code>
    /// </remarks>
    /// <exception cref="InvalidOperationException">The lock is not held.</exception>
    public void NotifyAll() => Notify(int.MaxValue);

    private void NotifyCore(int n)
    {
        for (int woken = 0; woken < n && _waiters.TryWakeOne(false); woken++)
        {
        }
    }

    private async Task<bool> WaitNotifiedAsync(Task<bool> notified, CancellationToken cancellationToken)
    {
        await ((Task)notified).ConfigureAwait(LoopAware.OnLoopWithoutThrowing);

        // Must re-acquire the lock even if the wait was cancelled (CancellationToken.None: this wait cannot be).
        _ = await Lock.AcquireAsync(CancellationToken.None).ConfigureAwait(LoopAware.OnLoop);
        if (notified.IsCanceled)
        {
            throw new OperationCanceledException(cancellationToken);
        }

        if (cancellationToken.IsCancellationRequested)
        {
            NotifyCore(1); // notified, but cancelled before it ran: the notification goes to another waiter
            throw new OperationCanceledException(cancellationToken);
        }

        return true;
    }

    private async Task<bool> WaitUntilAsync(Func<bool> predicate, CancellationToken cancellationToken)
    {
        do
        {
            _ = await WaitAsync(cancellationToken).ConfigureAwait(LoopAware.OnLoop);
        }
        while (!predicate());

        return true;
    }
}
