namespace AsyncNotes;

/// <summary>The loop's Future: the one waiter primitive that every AsyncNotes waiter completes (asyncio's
/// <c>asyncio.Future</c>). A bare yield that nothing can cancel needs no waiter: see <see cref="LoopYield{T}"/>.</summary>
/// <remarks>
/// <list type="bullet">
///   <item><b>Decided at once.</b> <see cref="TrySetResult"/>, <see cref="TrySetException"/> and <see cref="TrySetCanceled"/>
///   claim the outcome atomically when they are called, from any thread; the first claim wins and every later one returns
///   false. A cancellation requested first therefore beats a result that arrives later in the same instant, as
///   <c>future.cancel()</c> does in asyncio.</item>
///   <item><b>Delivered by scheduling.</b> On the loop thread, <see cref="Task"/> is completed under a fresh synchronization
///   context, so every awaiter is posted behind the callbacks already ready (asyncio's <c>set_result</c> schedules each
///   waiter with <c>call_soon</c>), never run inline inside whoever decided the outcome. From another thread the completion
///   is posted to the loop. Off any loop, <see cref="Task"/> runs its continuations asynchronously.</item>
///   <item><b>Owns its registrations.</b> <see cref="CancelWhen"/> ties it to a token, <see cref="ResolveAfter"/> and
///   <see cref="TimeOutAfter"/> to a deadline on any clock (see <see cref="LoopDeadline"/>); both are released the moment
///   the outcome is decided.</item>
///   <item><b>Never loses a failure.</b> With <see cref="ReportUnretrieved"/>, a failure decided after every awaiter has
///   gone (a cancelled shield, a detached waiter) goes to the loop's exception handler.</item>
/// </list>
/// <para>Built like <c>System.Threading.Channels</c>' <c>AsyncOperation</c>, with one atomic "completion reserved" claim
/// between cancel and complete; unlike it, it hands out a <see cref="Task{TResult}"/>, because every public AsyncNotes API
/// returns one, and the loop already gives the scheduling that <c>IValueTaskSource</c> would otherwise have to provide.</para>
/// </remarks>
/// <typeparam name="T">The result type.</typeparam>
internal class LoopFuture<T> : TaskCompletionSource<T>, IFutureDeadline
{
    private const int Pending = 0;
    private const int Decided = 1;

    // The fields a sleep or a yield needs; the rest (a token, a failure, a timeout's message, a deadline on another clock)
    // live in Extras, allocated only when used, so that the commonest futures stay small: every byte of a future lives as
    // long as its waiter, and what the loop's benchmarks measure is mostly the garbage collector moving those bytes.
    private int _state;
    private bool _canceled;
    private T? _result;
    private bool _armedOnLoop; // a deadline on the own loop's clock: the future is (or is about to be) in the timer heap
    private int _heapIndex;
    private Extras? _extras;

    /// <summary>Creates a pending future for <paramref name="loop"/> (null: off any loop).</summary>
    public LoopFuture(EventLoop? loop)
        : this(loop, loop is null ? TaskCreationOptions.RunContinuationsAsynchronously : TaskCreationOptions.None)
    {
        // On a loop: not RunContinuationsAsynchronously, or the continuations that are not awaits (Task.WhenAll's,
        // ContinueWith's) would run on the thread pool, out of the loop's sight. Off a loop: asynchronously, so that no
        // continuation runs inside whoever completes the future.
    }

    /// <summary>Creates a pending future for <paramref name="loop"/> with the task options that a derived waiter's own
    /// <see cref="Deliver"/> needs (see <see cref="QueuedWaiter{T}"/>).</summary>
    private protected LoopFuture(EventLoop? loop, TaskCreationOptions options)
        : base(options)
    {
        Loop = loop;
        _heapIndex = -1;
    }

    /// <summary>Creates a pending future for the current loop, if any.</summary>
    public LoopFuture()
        : this(EventLoop.Current)
    {
    }

    public EventLoop? Loop { get; }

    private Extras More
    {
        get
        {
            Extras? extras = Volatile.Read(ref _extras);
            return extras ?? Interlocked.CompareExchange(ref _extras, new Extras(), null) ?? _extras!;
        }
    }

    /// <summary>Whether the outcome has been decided (it may still be on its way to <see cref="Task"/>).</summary>
    public bool IsDone => Volatile.Read(ref _state) != Pending;

    int ITimerHeapEntry.HeapIndex
    {
        get => _heapIndex;
        set => _heapIndex = value;
    }

    /// <summary>Whether the decided outcome is a cancellation.</summary>
    public bool IsCanceled => IsDone && _canceled;

    public new bool TrySetResult(T result)
    {
        if (!TryClaim())
        {
            return false;
        }

        _result = result;
        Deliver();
        return true;
    }

    public new bool TrySetException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (!TryClaim())
        {
            return false;
        }

        More.Exception = exception;
        Deliver();
        return true;
    }

    /// <summary>Fails the future with every exception of a faulted task, the same instances (awaiting throws the first).</summary>
    public bool TrySetExceptions(AggregateException all)
    {
        ArgumentNullException.ThrowIfNull(all);
        if (!TryClaim())
        {
            return false;
        }

        Extras more = More;
        more.Exception = TaskOutcomes.Unwrap(all);
        more.Exceptions = all.InnerExceptions;
        Deliver();
        return true;
    }

    public new bool TrySetCanceled(CancellationToken cancellationToken = default)
    {
        if (!TryDecideCanceled(cancellationToken))
        {
            return false;
        }

        Deliver();
        return true;
    }

    /// <summary>Decides a cancellation without delivering it yet: the caller calls <see cref="Deliver"/> once it has left
    /// its lock.</summary>
    private protected bool TryDecideCanceled(CancellationToken cancellationToken)
    {
        if (!TryClaim())
        {
            return false;
        }

        OverrideWithCanceled(cancellationToken);
        return true;
    }

    /// <summary>Decides the result and completes <see cref="Task"/> right here, under the current context: for a callback
    /// posted with <see cref="EventLoop.PostAs"/>, which is the awaiting task's own next step, so the awaiter runs inline in
    /// it (a bare <c>yield</c> in asyncio: one <c>call_soon</c> in all).</summary>
    public bool TryResumeWith(T result)
    {
        if (!TryClaim())
        {
            return false;
        }

        _result = result;
        ReleaseRegistrations();
        Complete();
        return true;
    }

    /// <summary>Decides the outcome as <paramref name="completed"/>'s (which must be complete).</summary>
    public bool TrySetFrom(Task<T> completed) => completed.Status switch
    {
#pragma warning disable VSTHRD002 // The task is complete: nothing blocks.
        TaskStatus.RanToCompletion => TrySetResult(completed.Result),
#pragma warning restore VSTHRD002
        TaskStatus.Canceled => TrySetCanceled(TaskOutcomes.CanceledToken(completed)),
        _ => TrySetExceptions(completed.Exception!),
    };

    /// <summary>Replaces a decided result that is not delivered yet with a cancellation by <paramref name="cancellationToken"/>:
    /// for a waiter whose resume step finds that it was cancelled after it was woken (asyncio's <c>CancelledError</c>, thrown
    /// into a task whose future is already done).</summary>
    private protected void OverrideWithCanceled(CancellationToken cancellationToken)
    {
        _canceled = true;
        if (cancellationToken.CanBeCanceled)
        {
            More.CanceledBy = cancellationToken;
        }
    }

    /// <summary>Cancels the future when <paramref name="cancellationToken"/> is cancelled: decided inside the <c>Cancel()</c> call.</summary>
    public void CancelWhen(CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            return;
        }

        CancellationTokenRegistration registration = cancellationToken.UnsafeRegister(
            static (s, token) => ((LoopFuture<T>)s!).TrySetCanceled(token), this);
        More.Registration = registration;
        if (IsDone)
        {
            // Decided before the registration was stored (an already-cancelled token runs the callback inline).
            registration.Unregister();
        }
    }

    /// <summary>Resolves the future with <paramref name="result"/> once <paramref name="dueTime"/> has passed on
    /// <paramref name="time"/>, unless it is decided first: asyncio's <c>call_later(delay, future.set_result, result)</c>.</summary>
    public void ResolveAfter(TimeProvider time, TimeSpan dueTime, T result)
    {
        _result = result; // the pending result: whoever decides first overwrites or ignores it
        Arm(time, dueTime);
    }

    /// <summary>Fails the future with a <see cref="TimeoutException"/> carrying <paramref name="message"/> once
    /// <paramref name="dueTime"/> has passed on <paramref name="time"/>, unless it is decided first (<c>wait_for</c>'s
    /// deadline).</summary>
    public void TimeOutAfter(TimeProvider time, TimeSpan dueTime, string message)
    {
        More.TimeoutMessage = message;
        Arm(time, dueTime);
    }

    /// <summary>Arms the deadline: any finite delay on any clock, released when the outcome is decided.</summary>
    private void Arm(TimeProvider time, TimeSpan dueTime)
    {
        if (Loop is { } loop && dueTime > TimeSpan.Zero && time is LoopTimeProvider clock && clock.Loop == loop)
        {
            // The own loop's clock takes any delay, and the future sits in its timer heap itself: no timer object, no clamp,
            // no closure (the cheapest sleep there is). The flag is set before the loop's lock is taken (a full fence), so a
            // decision racing this either is seen by ArmDeadline or sees the flag and disarms.
            Volatile.Write(ref _armedOnLoop, true);
            loop.ArmDeadline(this, dueTime);
            return;
        }

        LoopDeadline deadline = LoopDeadline.Start(time, dueTime, OnExpired);
        _ = Interlocked.Exchange(ref More.Deadline, deadline); // a full fence before the check, as above
        if (IsDone)
        {
            deadline.Dispose();
        }
    }

    /// <summary>Posts, as the next step of the task that runs under <paramref name="context"/>, a callback that resumes it
    /// with <paramref name="result"/> (<see cref="TryResumeWith"/>): a bare <c>yield</c>, one callback in all.</summary>
    public void ResumeSoon(EventLoop loop, SynchronizationContext? context, T result)
    {
        _result = result; // the pending result, as in ResolveAfter
        if (!loop.PostAs(context, static s => ((LoopFuture<T>)s!).TryResumeWith(((LoopFuture<T>)s!)._result!), this))
        {
            TrySetResult(result);
        }
    }

    /// <summary>The own loop's deadline has passed: the loop has already taken the future out of its heap.</summary>
    void IFutureDeadline.OnDeadline()
    {
        Volatile.Write(ref _armedOnLoop, false);
        OnExpired();
    }

    private void OnExpired()
    {
        if (IsDone)
        {
            return;
        }

        _ = _extras?.TimeoutMessage is { } message ? TrySetException(new TimeoutException(message)) : TrySetResult(_result!);
    }

    /// <summary>Says that nobody will retrieve the outcome any more: a failure, decided already or later, goes to the loop's
    /// exception handler with <paramref name="message"/> (asyncio's "exception was never retrieved"); off a loop, to
    /// <see cref="AsyncIO.ForgottenTaskFailed"/>.</summary>
    public void ReportUnretrieved(string message)
    {
        Volatile.Write(ref More.UnretrievedMessage, message);
        if (IsDone)
        {
            ReportIfUnretrieved();
        }
    }

    private void ReportIfUnretrieved()
    {
        if (_extras is { } extras && Volatile.Read(ref extras.UnretrievedMessage) is { } message && extras.Exception is { } failure &&
            Interlocked.Exchange(ref extras.Reported, 1) == 0)
        {
            Loop.ReportUnretrieved(message, failure);
        }
    }

    private protected bool TryClaim() => Interlocked.CompareExchange(ref _state, Decided, Pending) == Pending;

    /// <summary>Delivers the outcome just decided to <see cref="Task"/>, by scheduling, as the class remarks say.</summary>
    private protected virtual void Deliver()
    {
        ReleaseRegistrations();
        ReportIfUnretrieved();

        EventLoop? loop = Loop;
        if (loop is null)
        {
            Complete();
        }
        else if (loop.IsOnLoopThread)
        {
            using (loop.EnterFreshContext())
            {
                Complete();
            }
        }
        else if (!loop.TryPost(static s => ((LoopFuture<T>)s!).Complete(), this))
        {
            // The loop has closed: nothing of its run executes any more, but the task must not stay pending forever.
            Complete();
        }
    }

    /// <summary>Completes <see cref="Task"/> with the decided outcome, right here.</summary>
    private protected void Complete()
    {
        if (_canceled)
        {
            base.TrySetCanceled(_extras?.CanceledBy ?? default);
        }
        else if (_extras?.Exceptions is { } exceptions)
        {
            base.TrySetException(exceptions);
        }
        else if (_extras?.Exception is { } exception)
        {
            base.TrySetException(exception);
        }
        else
        {
            base.TrySetResult(_result!);
        }
    }

    /// <summary>Releases the token registration and the deadline; for a derived waiter that delivers its own way.</summary>
    private protected void ReleaseRegistrations()
    {
        if (_extras is { } extras)
        {
            extras.Registration.Unregister();
            Volatile.Read(ref extras.Deadline)?.Dispose();
        }

        if (Volatile.Read(ref _armedOnLoop))
        {
            Loop!.DisarmDeadline(this);
        }
    }

    /// <summary>What only some futures need.</summary>
    private sealed class Extras
    {
#pragma warning disable SA1401, CA1051 // A private bag of fields, written with Volatile/Interlocked where it matters.
        public CancellationTokenRegistration Registration;
        public Exception? Exception;
        public IReadOnlyCollection<Exception>? Exceptions;
        public string? TimeoutMessage;
        public LoopDeadline? Deadline;
        public CancellationToken CanceledBy;
        public string? UnretrievedMessage;
        public int Reported;
#pragma warning restore SA1401, CA1051
    }
}
