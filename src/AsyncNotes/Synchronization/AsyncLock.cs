namespace AsyncNotes;

/// <summary>A mutual-exclusion lock for async code with asyncio's rules: first come, first served, no barging, no owner.</summary>
/// <remarks>
/// <para>Maps asyncio's <c>Lock</c>. The Python lines it replaces:</para>
/// <code>
/// lock = asyncio.Lock()
/// async with lock:
///     shared_state += 1
/// </code>
/// <para>In C#: <c>using (await myLock.AcquireAsync(ct)) { ... }</c>. The rules (asyncio 3.13's):</para>
/// <list type="bullet">
///   <item>Waiters get the lock in the order they asked for it. <see cref="Release"/> wakes the oldest waiter, which takes
///   the lock when it runs (scheduled on the loop, never inside <see cref="Release"/>).</item>
///   <item>Between a release and the woken waiter's turn, <see cref="IsLocked"/> is false, yet an acquire in that gap queues
///   behind the waiters (no barging).</item>
///   <item>A waiter cancelled while it waits, or after it was woken but before it ran, does not take the lock; the next
///   waiter is woken instead. Exactly one task holds the lock at a time.</item>
///   <item>The lock has no owner: any task (or thread) may release it. Releasing a lock that is not held throws
///   <see cref="InvalidOperationException"/>.</item>
/// </list>
/// <para>Against the BCL: <c>lock</c>/<see cref="Monitor"/> and <see cref="System.Threading.Lock"/> cannot be held across an
/// <c>await</c> and belong to a thread; <c>new SemaphoreSlim(1, 1)</c> works as an async lock but promises no order among
/// its waiters and throws <see cref="SemaphoreFullException"/> on a release of a free lock.</para>
/// </remarks>
public sealed class AsyncLock
{
    private readonly object _gate = new();
    private readonly WaiterQueue<AsyncReleaser> _waiters;
    private readonly Task<AsyncReleaser> _acquired;
    private bool _locked;
    private int _woken; // woken, not yet resumed: asyncio's done future at the head of _waiters

    /// <summary>Creates an unlocked lock.</summary>
    public AsyncLock()
        : this("AsyncLock.AcquireAsync")
    {
    }

    /// <summary>Creates an unlocked lock whose waits debug mode reports as <paramref name="acquireCall"/>: the public call of a
    /// primitive built on the lock (<see cref="AsyncBarrier.WaitAsync"/>).</summary>
    internal AsyncLock(string acquireCall)
    {
        _acquired = Task.FromResult(new AsyncReleaser(this));
        _waiters = new WaiterQueue<AsyncReleaser>(acquireCall, new ResumeStep(this));
    }

    /// <summary>Whether the lock is held (asyncio's <c>locked()</c>): false between a release and the woken waiter's turn.</summary>
    public bool IsLocked
    {
        get
        {
            lock (_gate)
            {
                return _locked;
            }
        }
    }

    /// <summary>Takes the lock, waiting in line while it is held or others wait: asyncio's <c>await lock.acquire()</c>.</summary>
    /// <remarks>
    /// <para>Maps asyncio's <c>Lock.acquire</c>, the entry half of <c>async with lock:</c>. The Python line it replaces:</para>
    /// <code>await lock.acquire()</code>
    /// <para>A token that is already cancelled throws at once, even when the lock is free (the .NET convention).</para>
    /// </remarks>
    /// <param name="cancellationToken">Cancels this wait: the caller leaves the line without the lock.</param>
    /// <returns>A releaser to dispose (with <c>using</c>) to release the lock.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before the caller held
    /// the lock.</exception>
    public Task<AsyncReleaser> AcquireAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<AsyncReleaser>(cancellationToken);
        }

        lock (_gate)
        {
            if (!_locked && _waiters.Count == 0 && _woken == 0)
            {
                _locked = true;
                return _acquired;
            }

            return _waiters.EnqueueAsync(cancellationToken);
        }
    }

    /// <summary>Releases the lock and wakes the oldest waiter: asyncio's <c>lock.release()</c>.</summary>
    /// <remarks>
    /// <para>Maps asyncio's <c>Lock.release</c>. The Python line it replaces:</para>
    /// <code>lock.release()</code>
    /// </remarks>
    /// <exception cref="InvalidOperationException">The lock is not held (asyncio's <c>RuntimeError</c>).</exception>
    public void Release()
    {
        lock (_gate)
        {
            if (!_locked)
            {
                throw new InvalidOperationException("Lock is not acquired.");
            }

            _locked = false;
            WakeUpFirst();
        }
    }

    /// <summary>A waiter's resume step (asyncio's code after <c>await fut</c> in <c>acquire</c>), run just before it resumes.</summary>
    private void OnResume(QueuedWaiter<AsyncReleaser> waiter)
    {
        lock (_gate)
        {
            if (!waiter.IsCanceled)
            {
                _woken--;
                if (!waiter.Token.IsCancellationRequested)
                {
                    _locked = true;
                    return;
                }

                waiter.ResumeCanceled();
            }

            // Cancelled, before or after it was woken: it takes nothing, and passes the turn on if the lock is free.
            if (!_locked)
            {
                WakeUpFirst();
            }
        }
    }

    private void WakeUpFirst()
    {
        if (_woken == 0 && _waiters.TryWakeOne(new AsyncReleaser(this)))
        {
            _woken++;
        }
    }

    private sealed class ResumeStep(AsyncLock owner) : IWaiterOwner<AsyncReleaser>
    {
        public void OnResume(QueuedWaiter<AsyncReleaser> waiter) => owner.OnResume(waiter);
    }
}
