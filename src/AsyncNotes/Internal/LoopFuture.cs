namespace AsyncNotes;

/// <summary>The loop's Future: the one waiter primitive that every AsyncNotes operation completes (asyncio's
/// <c>asyncio.Future</c>).</summary>
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
///   <item><b>Owns its registrations.</b> <see cref="CancelWhen"/> ties it to a token, <see cref="ExpireAfter"/> to a deadline
///   on any clock (see <see cref="LoopDeadline"/>); both are released the moment the outcome is decided.</item>
///   <item><b>Never loses a failure.</b> With <see cref="ReportUnretrieved"/>, a failure decided after every awaiter has
///   gone (a cancelled shield, a detached waiter) goes to the loop's exception handler.</item>
/// </list>
/// <para>Built like <c>System.Threading.Channels</c>' <c>AsyncOperation</c>, with one atomic "completion reserved" claim
/// between cancel and complete; unlike it, it hands out a <see cref="Task{TResult}"/>, because every public AsyncNotes API
/// returns one, and the loop already gives the scheduling that <c>IValueTaskSource</c> would otherwise have to provide.</para>
/// </remarks>
/// <typeparam name="T">The result type.</typeparam>
internal sealed class LoopFuture<T>
{
    private const int Pending = 0;
    private const int Decided = 1;

    private readonly TaskCompletionSource<T> _source;
    private int _state;
    private T? _result;
    private Exception? _exception;
    private IReadOnlyCollection<Exception>? _exceptions;
    private CancellationToken _canceledBy;
    private bool _canceled;
    private CancellationTokenRegistration _registration;
    private LoopDeadline? _deadline;
    private string? _unretrievedMessage;
    private int _reported;

    /// <summary>Creates a pending future for <paramref name="loop"/> (null: off any loop).</summary>
    public LoopFuture(EventLoop? loop)
    {
        Loop = loop;

        // On a loop: not RunContinuationsAsynchronously, or the continuations that are not awaits (Task.WhenAll's,
        // ContinueWith's) would run on the thread pool, out of the loop's sight. Off a loop: asynchronously, so that no
        // continuation runs inside whoever completes the future.
        _source = loop is null ? new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously) : new TaskCompletionSource<T>();
    }

    /// <summary>Creates a pending future for the current loop, if any.</summary>
    public LoopFuture()
        : this(EventLoop.Current)
    {
    }

    public EventLoop? Loop { get; }

    /// <summary>The task that awaiters see; complete once the outcome has been delivered.</summary>
    public Task<T> Task => _source.Task;

    /// <summary>Whether the outcome has been decided (it may still be on its way to <see cref="Task"/>).</summary>
    public bool IsDone => Volatile.Read(ref _state) != Pending;

    /// <summary>Whether the decided outcome is a cancellation.</summary>
    public bool IsCanceled => IsDone && _canceled;

    public bool TrySetResult(T result)
    {
        if (!TryClaim())
        {
            return false;
        }

        _result = result;
        Deliver();
        return true;
    }

    public bool TrySetException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (!TryClaim())
        {
            return false;
        }

        _exception = exception;
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

        _exception = Unwrap(all);
        _exceptions = all.InnerExceptions;
        Deliver();
        return true;
    }

    public bool TrySetCanceled(CancellationToken cancellationToken = default)
    {
        if (!TryClaim())
        {
            return false;
        }

        _canceled = true;
        _canceledBy = cancellationToken;
        Deliver();
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
        _registration.Unregister();
        _deadline?.Dispose();
        Complete();
        return true;
    }

    /// <summary>Decides the outcome as <paramref name="completed"/>'s (which must be complete).</summary>
    public bool TrySetFrom(Task<T> completed) => completed.Status switch
    {
#pragma warning disable VSTHRD002 // The task is complete: nothing blocks.
        TaskStatus.RanToCompletion => TrySetResult(completed.Result),
#pragma warning restore VSTHRD002
        TaskStatus.Canceled => TrySetCanceled(CanceledToken(completed)),
        _ => TrySetExceptions(completed.Exception!),
    };

    /// <summary>Cancels the future when <paramref name="cancellationToken"/> is cancelled: decided inside the <c>Cancel()</c> call.</summary>
    public void CancelWhen(CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            return;
        }

        CancellationTokenRegistration registration = cancellationToken.UnsafeRegister(
            static (s, token) => ((LoopFuture<T>)s!).TrySetCanceled(token), this);
        _registration = registration;
        if (IsDone)
        {
            // Decided before the registration was stored (an already-cancelled token runs the callback inline).
            registration.Unregister();
        }
    }

    /// <summary>Arms a deadline <paramref name="dueTime"/> from now on <paramref name="time"/>; <paramref name="onExpired"/>
    /// runs when it passes (on the loop for a loop's clock) unless the future is decided first.</summary>
    public void ExpireAfter(TimeProvider time, TimeSpan dueTime, Action<LoopFuture<T>> onExpired)
    {
        ArgumentNullException.ThrowIfNull(onExpired);
        var deadline = LoopDeadline.Start(time, dueTime, () =>
        {
            if (!IsDone)
            {
                onExpired(this);
            }
        });
        _deadline = deadline;
        if (IsDone)
        {
            deadline.Dispose();
        }
    }

    /// <summary>Says that nobody will retrieve the outcome any more: a failure, decided already or later, goes to the loop's
    /// exception handler with <paramref name="message"/> (asyncio's "exception was never retrieved"); off a loop, to
    /// <see cref="AsyncIO.ForgottenTaskFailed"/>.</summary>
    public void ReportUnretrieved(string message)
    {
        Volatile.Write(ref _unretrievedMessage, message);
        if (IsDone)
        {
            ReportIfUnretrieved();
        }
    }

    private void ReportIfUnretrieved()
    {
        if (Volatile.Read(ref _unretrievedMessage) is { } message && _exception is { } failure &&
            Interlocked.Exchange(ref _reported, 1) == 0)
        {
            Loop.ReportUnretrieved(message, failure);
        }
    }

    private bool TryClaim() => Interlocked.CompareExchange(ref _state, Decided, Pending) == Pending;

    private void Deliver()
    {
        _registration.Unregister();
        _deadline?.Dispose();
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

    private void Complete()
    {
        if (_canceled)
        {
            _source.TrySetCanceled(_canceledBy);
        }
        else if (_exceptions is { } exceptions)
        {
            _source.TrySetException(exceptions);
        }
        else if (_exception is { } exception)
        {
            _source.TrySetException(exception);
        }
        else
        {
            _source.TrySetResult(_result!);
        }
    }

    /// <summary>The one exception of a faulted task, or the aggregate when it has several.</summary>
    internal static Exception Unwrap(AggregateException all) => all.InnerExceptions.Count == 1 ? all.InnerExceptions[0] : all;

    /// <summary>The token a cancelled task was cancelled with.</summary>
    internal static CancellationToken CanceledToken(Task canceled) => new TaskCanceledException(canceled).CancellationToken;
}
