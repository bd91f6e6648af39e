namespace AsyncNotes;

/// <summary>Collects watched tasks in the order their done-callbacks run and wakes the one waiting caller; the engine of
/// <c>WaitAsync</c> and <c>AsCompleted</c> (asyncio's <c>_on_completion</c> callbacks and waiter future).</summary>
/// <remarks>
/// <list type="bullet">
///   <item>Each task is watched by a <see cref="TaskObserver"/>: on a loop it is queued one callback after it finishes, as
///   asyncio runs a done-callback.</item>
///   <item>The waiter is a <see cref="LoopFuture{T}"/>; it is woken by a callback posted as the caller's own next step
///   (<see cref="EventLoop.PostAs"/>), so the caller resumes exactly one callback after the queueing, as asyncio's
///   <c>waiter.set_result</c> schedules the waiting task.</item>
///   <item>The deadline is a <see cref="LoopDeadline"/>: when its timer and a task's completion fall in the same instant,
///   the deadline wins, because the task's done-callback comes one callback after its completion (asyncio's order).</item>
///   <item>After the deadline, or once disposed, nothing more is queued. Disposing removes the continuations from the tasks
///   still running and disarms the deadline, so nothing is left behind.</item>
/// </list>
/// </remarks>
internal sealed class CompletionQueue<TTask> : IDisposable
    where TTask : Task
{
    private readonly EventLoop? _loop = EventLoop.CurrentFor("AsyncIO.WaitAsync or AsyncIO.AsCompleted");
    private readonly object _gate = new();
    private readonly Queue<TTask> _completed = new();
    private readonly List<TaskObserver> _observers = [];
    private LoopFuture<bool>? _wake;
    private SynchronizationContext? _waiterContext;
    private LoopDeadline? _deadline;
    private bool _expired;
    private bool _disposed;

    /// <summary>Gets whether the deadline has passed.</summary>
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

    /// <summary>Starts watching <paramref name="tasks"/>, in input order; those already finished are queued at once.</summary>
    public void Watch(IEnumerable<TTask> tasks)
    {
        foreach (TTask task in tasks)
        {
            if (task.IsCompleted)
            {
                // asyncio schedules the done-callback of a finished task at once, ahead of any deadline armed after it.
                Add(task);
                continue;
            }

            TaskObserver observer = TaskObserver.Watch(task, _loop, static (t, s) => ((CompletionQueue<TTask>)s!).Add((TTask)t), this, removable: true);
            lock (_gate)
            {
                _observers.Add(observer);
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

        var deadline = LoopDeadline.Start(time, dueTime, Expire);
        lock (_gate)
        {
            if (!_disposed)
            {
                _deadline = deadline;
                return;
            }
        }

        deadline.Dispose();
    }

    /// <summary>Disarms the deadline, if any, without expiring (an enumeration that stopped early leaves no timer behind).</summary>
    public void Disarm()
    {
        LoopDeadline? deadline;
        lock (_gate)
        {
            deadline = _deadline;
            _deadline = null;
        }

        deadline?.Dispose();
    }

    public bool TryDequeue(out TTask task)
    {
        lock (_gate)
        {
            return _completed.TryDequeue(out task!);
        }
    }

    /// <summary>Completes when a task is queued or the deadline passes (at once if either already holds).</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled: decided at once.</exception>
    public Task WaitAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        var wake = new LoopFuture<bool>(_loop);
        lock (_gate)
        {
            if (_completed.Count > 0 || _expired)
            {
                return Task.CompletedTask;
            }

            _wake = wake;
            _waiterContext = SynchronizationContext.Current;
        }

        wake.CancelWhen(cancellationToken);
        return wake.Task;
    }

    public void Dispose()
    {
        LoopDeadline? deadline;
        TaskObserver[] observers;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            deadline = _deadline;
            _deadline = null;
            observers = [.. _observers];
            _observers.Clear();
        }

        deadline?.Dispose();
        foreach (TaskObserver observer in observers)
        {
            observer.Dispose();
        }
    }

    private void Add(TTask task)
    {
        lock (_gate)
        {
            if (_expired || _disposed)
            {
                return;
            }

            _completed.Enqueue(task);
        }

        WakeWaiter();
    }

    private void Expire()
    {
        lock (_gate)
        {
            _expired = true;
        }

        WakeWaiter();
    }

    private void WakeWaiter()
    {
        LoopFuture<bool>? wake;
        SynchronizationContext? context;
        lock (_gate)
        {
            wake = _wake;
            context = _waiterContext;
            _wake = null;
            _waiterContext = null;
        }

        if (wake is null || wake.IsDone)
        {
            return;
        }

        // The waiting caller's own next step: it resumes inline in this one callback, as a task woken by set_result.
        if (_loop is null || !_loop.PostAs(context, static w => ((LoopFuture<bool>)w!).TryResumeWith(true), wake))
        {
            wake.TrySetResult(true);
        }
    }
}
