namespace AsyncNotes;

/// <summary>Runs a callback when a task finishes: asyncio's <c>add_done_callback</c>, the one way AsyncNotes watches a task.</summary>
/// <remarks>
/// <list type="bullet">
///   <item>On a loop, the callback is scheduled as a loop callback of its own, behind the callbacks already ready, as asyncio
///   schedules a done-callback with <c>call_soon</c>; a task that is already complete is scheduled the same way.</item>
///   <item>Off a loop (or once the loop has closed), it runs on the thread that completes the task, or at once for a task
///   that is already complete.</item>
///   <item>With <c>removable</c>, disposing the returned handle removes the continuation from a task still running, and a
///   callback already scheduled then does not run.</item>
///   <item>Watching never reads the task's result, so it does not count as retrieving a failure.</item>
/// </list>
/// </remarks>
internal sealed class TaskObserver : IDisposable
{
    private readonly Task _task;
    private readonly EventLoop? _loop;
    private readonly Action<Task, object?> _onDone;
    private readonly object? _state;
    private readonly CancellationTokenSource? _unhook;
    private int _finished; // 0 watching, 1 ran or disposed

    private TaskObserver(Task task, EventLoop? loop, Action<Task, object?> onDone, object? state, bool removable)
    {
        _task = task;
        _loop = loop;
        _onDone = onDone;
        _state = state;
        _unhook = removable ? new CancellationTokenSource() : null;
    }

    /// <summary>Calls <paramref name="onDone"/> with <paramref name="task"/> and <paramref name="state"/> once the task has finished.</summary>
    public static TaskObserver Watch(Task task, EventLoop? loop, Action<Task, object?> onDone, object? state = null, bool removable = false)
    {
        var observer = new TaskObserver(task, loop, onDone, state, removable);
        if (task.IsCompleted)
        {
            observer.OnCompleted();
        }
        else
        {
            // ExecuteSynchronously: runs where the task completes (an await continuation without a context would go to the
            // thread pool whenever a synchronization context is current, out of the loop's sight); from there the callback
            // is posted to the loop (one hop, like call_soon), or run at once off a loop. Dispose cancels the continuation,
            // which removes it from the task; it never faults.
            _ = task.ContinueWith(
                static (_, s) => ((TaskObserver)s!).OnCompleted(),
                observer,
                observer._unhook?.Token ?? CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

        return observer;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _finished, 1) == 0 && _unhook is { } unhook)
        {
            unhook.Cancel();
        }
    }

    private void OnCompleted()
    {
        if (_loop is null || !_loop.TryPost(static s => ((TaskObserver)s!).Run(), this))
        {
            Run();
        }
    }

    private void Run()
    {
        if (Interlocked.Exchange(ref _finished, 1) == 0)
        {
            _onDone(_task, _state);
        }
    }
}
