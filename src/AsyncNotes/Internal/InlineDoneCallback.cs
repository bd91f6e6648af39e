namespace AsyncNotes;

/// <summary>A done-callback that runs where a task completes, inline on the completing thread, with no task, delegate or
/// execution context of its own: the cheapest watch of a task that the BCL's public API allows, for an owner that watches
/// many tasks and schedules only what it decides (gather's hot children).</summary>
/// <remarks>
/// <list type="bullet">
///   <item>How: <see cref="Watch"/> makes this object the current <see cref="SynchronizationContext"/> for the moment of an
///   <c>UnsafeOnCompleted</c> on the task's awaiter. The runtime keeps it in the task's continuation record and, when the task
///   completes, calls <see cref="Post"/> on the completing thread (it never runs the continuation inline there: this context
///   is not current on that thread), and <see cref="Post"/> runs <see cref="OnCompleted"/> at once instead of posting
///   anything. A task that is complete already runs it at once, on the watching thread.</item>
///   <item>Cost: this object and the runtime's continuation record. <c>ContinueWith(..., ExecuteSynchronously)</c> allocates
///   a continuation task and its record, and runs the callback through the task machinery; an await continuation without a
///   context costs one delegate, but wherever the completing code has a synchronization context (on a loop, always) the
///   runtime sends it to the thread pool, out of the loop's order.</item>
///   <item><see cref="OnCompleted"/> runs where the task completes, on any thread and on a loop too, inside the call that
///   completes it (<c>SetResult</c>), even for a task created with
///   <see cref="TaskCreationOptions.RunContinuationsAsynchronously"/> (<c>ContinueWith</c> would go to the thread pool
///   there), and without the runtime's guard against deep stacks: it must be short, must not block, must not complete
///   other watched tasks, and must not throw. An exception thrown from it would surface where it runs: out of
///   <see cref="Watch"/> for a task already complete, or, rethrown on the thread pool, ending the process.</item>
///   <item>A watch cannot be removed; for one that can, use <see cref="TaskObserver"/>. One object watches one task.</item>
/// </list>
/// </remarks>
internal abstract class InlineDoneCallback : SynchronizationContext
{
    private static readonly Action s_continuation = static () => { };

    private bool _completedWhileWatching;

    /// <summary>Runs once the watched task has completed, where it completed.</summary>
    protected abstract void OnCompleted();

    /// <summary>Watches <paramref name="task"/>: <see cref="OnCompleted"/> runs once it has completed.</summary>
    public void Watch(Task task)
    {
        if (task.IsCompleted)
        {
            OnCompleted();
            return;
        }

        SynchronizationContext? previous = Current;
        SetSynchronizationContext(this);
        try
        {
            task.GetAwaiter().UnsafeOnCompleted(s_continuation);
        }
        finally
        {
            SetSynchronizationContext(previous);
        }

        if (_completedWhileWatching)
        {
            // The task completed between the check above and the registration: the runtime called Post at once, while this
            // object was still the current context. The callback runs now that it is not, so nothing it completes can
            // capture this object as its context.
            OnCompleted();
        }
    }

    /// <summary>Called by the runtime when the watched task completes: runs <see cref="OnCompleted"/> at once.</summary>
    public sealed override void Post(SendOrPostCallback d, object? state)
    {
        if (Current == this)
        {
            _completedWhileWatching = true;
            return;
        }

        OnCompleted();
    }
}
