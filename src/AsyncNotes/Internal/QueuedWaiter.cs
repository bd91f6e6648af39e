namespace AsyncNotes;

/// <summary>One waiter of a <see cref="WaiterQueue{T}"/>: a <see cref="LoopFuture{T}"/> that is also its own queue node, its
/// token's registration and, when the queue has an <see cref="IWaiterOwner{T}"/>, its own resume step.</summary>
/// <remarks>
/// <list type="bullet">
///   <item>Without an owner, its outcome is delivered as every <see cref="LoopFuture{T}"/>'s is.</item>
///   <item>With an owner, the outcome is delivered in one scheduled step that first runs
///   <see cref="IWaiterOwner{T}.OnResume"/> and then completes <see cref="Task"/>, so the awaiter resumes inline in that
///   step: on a loop, posted as the next step of the task that queued the waiter (its synchronization context, captured
///   when it queued), behind the callbacks already ready; from another thread, posted to the loop first (asyncio's
///   <c>call_soon_threadsafe</c>, one more turn); off a loop, as a thread-pool work item (this object itself).</item>
///   <item>Its token is registered once and unregistered when the outcome is decided.</item>
/// </list>
/// </remarks>
/// <typeparam name="T">What the waiter is woken with.</typeparam>
internal sealed class QueuedWaiter<T> : LoopFuture<T>, IThreadPoolWorkItem, IListNode<QueuedWaiter<T>>
{
    private readonly WaiterQueue<T> _queue;
    private readonly SynchronizationContext? _resumeContext;
    private CancellationTokenRegistration _registration;
    private int _registered; // 1 once the registration is published

    internal QueuedWaiter(WaiterQueue<T> queue, EventLoop? loop, CancellationToken cancellationToken)
        : base(loop, queue.Owner is null && loop is null ? TaskCreationOptions.RunContinuationsAsynchronously : TaskCreationOptions.None)
    {
        _queue = queue;
        Token = cancellationToken;
        if (queue.Owner is not null && loop is not null)
        {
            _resumeContext = SynchronizationContext.Current;
        }
    }

    /// <summary>The token this waiter was queued with.</summary>
    public CancellationToken Token { get; }

    /// <inheritdoc/>
    public QueuedWaiter<T>? Next { get; set; }

    /// <inheritdoc/>
    public QueuedWaiter<T>? Previous { get; set; }

    /// <inheritdoc/>
    public bool IsLinked { get; set; }

    /// <summary>In <see cref="IWaiterOwner{T}.OnResume"/>: the waiter was woken, but its token was cancelled before it
    /// resumed; it ends cancelled instead (the owner gives back what the wake-up handed it).</summary>
    public void ResumeCanceled() => OverrideWithCanceled(Token);

    void IThreadPoolWorkItem.Execute() => Resume();

    /// <summary>Registers the token, after the waiter is linked: a cancellation decides the waiter and unlinks it in one step.</summary>
    internal void RegisterToken()
    {
        if (!Token.CanBeCanceled)
        {
            return;
        }

        _registration = Token.UnsafeRegister(static (s, token) => ((QueuedWaiter<T>)s!).OnCanceled(token), this);

        // A full fence between publishing and reading IsDone, as Deliver has one (the claim) between deciding and reading
        // _registered: one of the two always sees the other, so the registration is never left behind.
        Interlocked.Exchange(ref _registered, 1);
        if (IsDone)
        {
            _registration.Unregister(); // decided before the registration was published (an inline callback, a fast wake-up)
        }
    }

    private protected override void Deliver()
    {
        if (Volatile.Read(ref _registered) == 1)
        {
            _registration.Unregister();
        }

        if (_queue.Owner is null)
        {
            base.Deliver();
            return;
        }

        ReleaseRegistrations(); // what the base would release (a deadline, should a waiter ever be given one)

        EventLoop? loop = Loop;
        if (loop is null)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true); // TaskCreationOptions.RunContinuationsAsynchronously's hop
        }
        else if (loop.IsOnLoopThread)
        {
            if (!loop.PostAs(_resumeContext, static s => ((QueuedWaiter<T>)s!).Resume(), this))
            {
                ResumeAfterClose();
            }
        }
        else if (!loop.TryPost(static s => ((QueuedWaiter<T>)s!).Deliver(), this))
        {
            ResumeAfterClose();
        }
    }

    /// <summary>The loop has closed: nothing of its run executes any more, but the task must not stay pending forever. The
    /// step goes to the thread pool, never inline, so that the owner's resume step never runs inside the owner's own call.</summary>
    private void ResumeAfterClose() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

    /// <summary>Decides the cancellation and unlinks the waiter in one step under the queue's lock, then delivers it outside.</summary>
    private void OnCanceled(CancellationToken token)
    {
        if (_queue.Leave(this, () => TryDecideCanceled(token)))
        {
            Deliver();
        }
    }

    private void Resume()
    {
        try
        {
            _queue.Owner!.OnResume(this);
        }
        finally
        {
            Complete(); // whatever the owner's step did, the caller is never left waiting
        }
    }
}
