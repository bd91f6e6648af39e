namespace AsyncNotes;

/// <summary>A counting semaphore with asyncio's rules: first come, first served, no barging, and a permit handed to a
/// waiter that is then cancelled goes back.</summary>
/// <remarks>
/// <para>Maps asyncio's <c>Semaphore</c> and, with <c>bounded: true</c>, <c>BoundedSemaphore</c>. The Python lines it
/// replaces:</para>
/// <code>
/// sem = asyncio.Semaphore(10)
/// async with sem:
///     await fetch(url)
/// </code>
/// <para>In C#: <c>using (await sem.AcquireAsync(ct)) { ... }</c>. The rules (asyncio 3.13's):</para>
/// <list type="bullet">
///   <item><see cref="AcquireAsync"/> takes a permit at once only when one is free and nobody waits for one (<see cref="IsLocked"/>
///   is false); otherwise the caller waits at the back of the line.</item>
///   <item><see cref="Release"/> hands the permit to the oldest waiter still waiting, so <see cref="CurrentCount"/> stays 0 and
///   <see cref="IsLocked"/> stays true while someone waits: a task that releases and re-acquires at once queues behind the
///   waiters (no barging). The woken waiter is scheduled on the loop, never run inside <see cref="Release"/>.</item>
///   <item>A waiter cancelled before it was handed a permit leaves the line and takes nothing; one cancelled after it was
///   handed a permit, before it resumed, gives the permit back to the next waiter and throws
///   <see cref="OperationCanceledException"/>.</item>
///   <item>A plain semaphore accepts more releases than acquires (its count grows); a bounded one throws
///   <see cref="SemaphoreFullException"/> when a release would take the count above the initial value. As in asyncio, a
///   permit handed to a woken waiter already counts as taken.</item>
/// </list>
/// <para>Against <see cref="SemaphoreSlim"/> (the BCL's, taught first with <see cref="SemaphoreSlimExtensions.AcquireAsync"/>):
/// <c>SemaphoreSlim</c> documents no order among its waiters. On .NET 10 (found by this project's tests) it serves its
/// asynchronous waiters first come, first served and hands a released permit straight over, but it serves blocked
/// synchronous <c>Wait</c> callers first, and a waiter cancelled just after it was handed a permit keeps it and succeeds
/// (asyncio gives the permit back and raises). Use this type where those rules matter, or to write down the order you rely
/// on; <c>SemaphoreSlim</c> where they do not. Thread-safe, on a loop or off it.</para>
/// </remarks>
public sealed class AsyncSemaphore
{
    private readonly object _gate = new();
    private readonly WaiterQueue<AsyncReleaser> _waiters;
    private readonly int _bound;
    private readonly Task<AsyncReleaser> _acquired;
    private int _value;
    private int _woken; // handed a permit, not yet resumed: asyncio's done futures still in _waiters

    /// <summary>Creates a semaphore with <paramref name="value"/> permits.</summary>
    /// <param name="value">The initial number of permits; 0 makes every acquire wait for a release.</param>
    /// <param name="bounded">Whether a release above <paramref name="value"/> throws (asyncio's <c>BoundedSemaphore</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is negative.</exception>
    public AsyncSemaphore(int value = 1, bool bounded = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        _value = value;
        _bound = bounded ? value : int.MaxValue;
        _acquired = Task.FromResult(new AsyncReleaser(this));
        _waiters = new WaiterQueue<AsyncReleaser>("AsyncSemaphore.AcquireAsync", new ResumeStep(this));
    }

    /// <summary>The permits free right now (asyncio's <c>_value</c>): a permit handed to a waiter no longer counts.</summary>
    public int CurrentCount
    {
        get
        {
            lock (_gate)
            {
                return _value;
            }
        }
    }

    /// <summary>Whether an acquire would wait: no permit is free, or someone already waits or was handed one and has not
    /// resumed yet (asyncio's <c>locked()</c>).</summary>
    public bool IsLocked
    {
        get
        {
            lock (_gate)
            {
                return IsLockedCore;
            }
        }
    }

    private bool IsLockedCore => _value == 0 || _waiters.Count > 0 || _woken > 0;

    /// <summary>Takes a permit, waiting in line when none is free: asyncio's <c>await sem.acquire()</c>.</summary>
    /// <remarks>
    /// <para>Maps asyncio's <c>Semaphore.acquire</c>, the entry half of <c>async with sem:</c>. The Python line it replaces:</para>
    /// <code>await sem.acquire()</code>
    /// <para>A token that is already cancelled throws at once, even when a permit is free (the .NET convention; asyncio's
    /// acquire of a free permit never suspends, so a pending cancellation would surface at the caller's next await).</para>
    /// </remarks>
    /// <param name="cancellationToken">Cancels this wait: the caller leaves the line without a permit.</param>
    /// <returns>A releaser to dispose (with <c>using</c>) to give the permit back.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before the caller held
    /// the permit.</exception>
    public Task<AsyncReleaser> AcquireAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<AsyncReleaser>(cancellationToken);
        }

        lock (_gate)
        {
            if (!IsLockedCore)
            {
                _value--;
                return _acquired;
            }

            return _waiters.EnqueueAsync(cancellationToken);
        }
    }

    /// <summary>Gives a permit back: to the oldest waiter still waiting, else to the free count. asyncio's
    /// <c>sem.release()</c>.</summary>
    /// <remarks>
    /// <para>Maps asyncio's <c>Semaphore.release</c>. The Python line it replaces:</para>
    /// <code>sem.release()</code>
    /// <para>Any caller may release (the semaphore has no owner). The woken waiter runs later, scheduled on the loop.</para>
    /// </remarks>
    /// <exception cref="SemaphoreFullException">The semaphore is bounded and the count would go above its initial value
    /// (asyncio's <c>ValueError</c>; <see cref="SemaphoreSlim"/> throws the same exception).</exception>
    public void Release()
    {
        lock (_gate)
        {
            if (_value >= _bound)
            {
                throw new SemaphoreFullException("BoundedSemaphore released too many times.");
            }

            _value++;
            WakeUpNext();
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

                // Handed a permit, cancelled before resuming: the permit goes back. Read once, under the lock, so that the
                // give-back and the outcome agree, whatever a cancellation from another thread does meanwhile.
                if (waiter.Token.IsCancellationRequested)
                {
                    _value++;
                    waiter.ResumeCanceled();
                }
            }

            // New waiters may have queued behind while this one waited: wake as many as there are free permits.
            while (_value > 0 && WakeUpNext())
            {
            }
        }
    }

    private bool WakeUpNext()
    {
        if (!_waiters.TryWakeOne(new AsyncReleaser(this)))
        {
            return false;
        }

        _value--;
        _woken++;
        return true;
    }

    private sealed class ResumeStep(AsyncSemaphore semaphore) : IWaiterOwner<AsyncReleaser>
    {
        public void OnResume(QueuedWaiter<AsyncReleaser> waiter) => semaphore.OnResume(waiter);
    }
}
