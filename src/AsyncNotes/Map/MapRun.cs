namespace AsyncNotes;

/// <summary>The children of one <c>AsyncIO.MapAsync</c> enumeration: a <see cref="ChildScope"/> whose done-callbacks queue
/// each finished child for the one enumerating caller, and wake it.</summary>
/// <typeparam name="TResult">The children's result type.</typeparam>
internal sealed class MapRun<TResult>
{
    private readonly object _gate = new();
    private readonly Queue<(int Index, Task<TResult> Child)> _finished = new();
    private readonly ChildScope _scope;
    private LoopFuture<bool>? _wake;

    public MapRun(EventLoop? loop)
    {
        Loop = loop;
        _scope = new ChildScope(loop, "MapAsync");
    }

    public EventLoop? Loop { get; }

    /// <summary>Starts the child for the item at <paramref name="index"/>, hot, with a token of its own.</summary>
    public void Start(int index, Func<CancellationToken, Task<TResult>> work) => _ = _scope.Start(work, (_, child) => OnDone(index, child));

    public bool TryDequeue(out (int Index, Task<TResult> Child) finished)
    {
        lock (_gate)
        {
            return _finished.TryDequeue(out finished);
        }
    }

    /// <summary>Completes once a finished child is queued (at once if one is).</summary>
    public Task WaitAnyAsync()
    {
        lock (_gate)
        {
            if (_finished.Count > 0)
            {
                return Task.CompletedTask;
            }

            _wake = new LoopFuture<bool>(Loop);
            return _wake.Task;
        }
    }

    /// <summary>Cancels every child still running, in start order (errors of token callbacks go to the loop's handler).</summary>
    public void CancelAll() => Loop.CancelReportingCallbackErrors(() => _scope.CancelAll());

    /// <summary>Starts no more children and waits for those still running (their outcomes are read by nobody: cancelled or
    /// failed after the first failure, as asyncio's gather leaves its siblings).</summary>
    public Task CloseAsync()
    {
        _scope.Close();
        return _scope.AllDone;
    }

    private void OnDone(int index, Task<TResult> child)
    {
        LoopFuture<bool>? wake;
        lock (_gate)
        {
            _finished.Enqueue((index, child));
            wake = _wake;
            _wake = null;
        }

        wake?.TrySetResult(true);
    }
}
