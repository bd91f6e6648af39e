namespace AsyncNotes;

/// <summary>Collects watched tasks in the order they finish and wakes one waiter at a time; the engine of
/// <c>WaitAsync</c> and <c>AsCompleted</c> (asyncio's <c>_on_completion</c> callbacks and waiter future).</summary>
/// <remarks>
/// <para>A task is queued inside its own completion (a synchronous continuation), but the waiter is woken by a callback
/// posted to the loop, as asyncio's <c>set_result</c> schedules its waiter. So every task that finishes in a callback that
/// was already ready when the first one finished (another timer due at the same instant, say) is queued before the waiter
/// looks. A deadline is handled the same way: the timer posts the expiry, so a task finishing at the deadline is queued
/// first, whichever timer was armed first.</para>
/// <para>After the deadline, or once disposed, nothing more is queued. Disposing removes the continuations from the tasks
/// that are still running (a cancelled <c>ContinueWith</c> unregisters itself) and disposes the timer, so nothing is left
/// behind.</para>
/// </remarks>
internal sealed class CompletionQueue<TTask> : IDisposable
    where TTask : Task
{
    private readonly EventLoop? _loop;
    private readonly object _gate = new();
    private readonly Queue<TTask> _completed = new();
    private readonly CancellationTokenSource _unhook = new();
    private TaskCompletionSource? _wake;
    private ITimer? _timer;
    private bool _expired;
    private bool _disposed;

    public CompletionQueue(EventLoop? loop) => _loop = loop;

    /// <summary>Gets whether the deadline has passed (as seen by the loop, after callbacks ready at that instant).</summary>
    public bool IsExpired
    {
        get
        {
            lock (_gate)
            {
                return _expired;
            }
        }
    }

    /// <summary>Starts watching <paramref name="tasks"/>; those already finished are queued at once, in input order.</summary>
    public void Watch(IEnumerable<TTask> tasks)
    {
        foreach (TTask task in tasks)
        {
            if (task.IsCompleted)
            {
                Add(task);
            }
            else
            {
                // ExecuteSynchronously: queued inside the task's completion, on whichever thread completes it. The continuation
                // task is cancelled (and removed from the task) by Dispose; it never faults, and a cancelled one is not reported.
                _ = task.ContinueWith(
                    static (t, s) => ((CompletionQueue<TTask>)s!).Add((TTask)t),
                    this,
                    _unhook.Token,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }
        }
    }

    /// <summary>Arms the deadline <paramref name="dueTime"/> from now on <paramref name="time"/>; zero or less expires at once.</summary>
    public void ExpireAfter(TimeProvider time, TimeSpan dueTime)
    {
        if (dueTime <= TimeSpan.Zero)
        {
            lock (_gate)
            {
                _expired = true;
            }

            return;
        }

        ITimer timer = time.CreateTimer(static s => ((CompletionQueue<TTask>)s!).OnDeadline(), this, dueTime, Timeout.InfiniteTimeSpan);
        lock (_gate)
        {
            if (!_disposed)
            {
                _timer = timer;
                return;
            }
        }

        timer.Dispose();
    }

    public bool TryDequeue(out TTask task)
    {
        lock (_gate)
        {
            return _completed.TryDequeue(out task!);
        }
    }

    /// <summary>Completes when a task is queued or the deadline passes (at once if either already holds).</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; delivered on the loop.</exception>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        TaskCompletionSource wake;
        lock (_gate)
        {
            if (_completed.Count > 0 || _expired)
            {
                return;
            }

            wake = LoopAware.CreateSource(_loop);
            _wake = wake;
        }

        // The cancel may run inline in someone's Cancel() or on another thread: deliver it as a callback of its own on the loop.
        using CancellationTokenRegistration registration = cancellationToken.UnsafeRegister(
            static (s, token) =>
            {
                (EventLoop? loop, TaskCompletionSource source) = ((EventLoop?, TaskCompletionSource))s!;
                LoopAware.Schedule(loop, () => source.TrySetCanceled(token));
            },
            (_loop, wake));

        // ConfigureAwait(true): stay on the loop.
        await wake.Task.ConfigureAwait(true);
    }

    public void Dispose()
    {
        ITimer? timer;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            timer = _timer;
            _timer = null;
        }

        timer?.Dispose();
        LoopAware.CancelNow(_unhook);
        _unhook.Dispose();
    }

    private void Add(TTask task)
    {
        TaskCompletionSource? wake;
        lock (_gate)
        {
            if (_expired || _disposed)
            {
                return;
            }

            _completed.Enqueue(task);
            wake = _wake;
            _wake = null;
        }

        if (wake is not null)
        {
            LoopAware.Schedule(_loop, () => wake.TrySetResult());
        }
    }

    private void OnDeadline() => LoopAware.Schedule(_loop, Expire);

    private void Expire()
    {
        TaskCompletionSource? wake;
        lock (_gate)
        {
            _expired = true;
            wake = _wake;
            _wake = null;
        }

        wake?.TrySetResult();
    }
}
