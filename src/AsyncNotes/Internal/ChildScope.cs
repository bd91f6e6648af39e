using System.Diagnostics.CodeAnalysis;

namespace AsyncNotes;

/// <summary>A scope that owns child tasks: starts them with tokens of their own, cancels them in start order, and knows when
/// all are done. The base of gather's owned mode, the staggered race and TaskGroup.</summary>
/// <remarks>
/// <list type="bullet">
///   <item><see cref="Start{T}"/> runs a child's work at once (hot, as a .NET async method starts) with a token of its own,
///   so a cancellation reaches the children one by one, in start order (one shared source would run its callbacks last
///   registered, first run).</item>
///   <item><see cref="CancelAll"/> cancels every unfinished child, in start order; a child's token callback that throws does
///   not stop the others, and the errors are thrown together afterwards.</item>
///   <item><see cref="AllDone"/> completes once <see cref="Close"/> was called and every started child has finished.</item>
///   <item>An owner that starts its children itself (a TaskGroup off a loop) brings its own <see cref="ScopeChild"/> to
///   <see cref="Join"/> and hands it back with <see cref="Leave"/> when it has finished; <see cref="Start{T}"/> does both
///   for everyone else.</item>
///   <item>The children are their own list nodes: joining costs the child's token source and nothing else.</item>
///   <item>On a loop the scope is known to the loop: a deadlock report names it, and the end of the run cancels it.</item>
/// </list>
/// </remarks>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "The shutdown source is disposed when the last child finishes; the scope has no owner that could dispose it earlier, and it holds no timer.")]
internal sealed class ChildScope
{
    private readonly Lock _gate = new(); // children join on one thread and leave on others: a Lock, held briefly
    private readonly NodeList<ScopeChild> _children = new(); // unfinished, in start order; a finished child leaves at once
    private readonly LoopFuture<bool> _allDone;
    private readonly CancellationTokenSource _shutdown = new();
    private int _started;
    private bool _closed;
    private bool _cancelled;

    private readonly string _kind;

    /// <summary>Creates a scope; on a loop it is registered under <paramref name="kind"/>.</summary>
    /// <param name="loop">The loop, or null off any loop.</param>
    /// <param name="kind">The owner's name, shown in a deadlock report.</param>
    /// <param name="onShutdown">What the end of the loop's run does to the scope: <see cref="CancelAll"/> by default; an
    /// owner with more to cancel (a TaskGroup's body) passes its own abort, and registers its own task
    /// (<see cref="RegisterOwner"/>) so that the run waits for the owner, not only for the children.</param>
    public ChildScope(EventLoop? loop, string kind, Action? onShutdown = null)
    {
        Loop = loop;
        _kind = kind;
        _allDone = new LoopFuture<bool>(loop);
        _shutdown.Token.UnsafeRegister(static s => ((Action)s!)(), onShutdown ?? (() => CancelAll()));
        if (onShutdown is null)
        {
            loop?.Register(_allDone.Task, kind, _shutdown);
        }
    }

    /// <summary>Makes <paramref name="owner"/> the task the loop knows for this scope: named in a deadlock report, and, if
    /// still pending when the run ends, aborted through the scope's shutdown and awaited.</summary>
    public void RegisterOwner(Task owner) => Loop?.Register(owner, _kind, _shutdown);

    public EventLoop? Loop { get; }

    /// <summary>Completes once the scope is closed and every child it started has finished.</summary>
    public Task AllDone => _allDone.Task;

    /// <summary>Starts the next child, numbered in start order: runs <paramref name="work"/> with its own token, and calls
    /// <paramref name="onDone"/> with its index and task (scheduled on the loop, as a done-callback) when it finishes.</summary>
    /// <param name="work">The child's work, given the child's token.</param>
    /// <param name="onDone">Called with the child's index and task once it has finished.</param>
    /// <param name="link">A token that cancels this child alone (its own handle), besides the scope's cancellation.</param>
    /// <param name="name">The child's name, listed by <see cref="RunningNames"/> while it runs.</param>
    /// <returns>The child's task; a work delegate that throws or returns null gives a faulted task.</returns>
    /// <exception cref="InvalidOperationException">The scope is closed and its last child has finished: nothing can join it.</exception>
    [SuppressMessage("Usage", "VSTHRD200:Use \"Async\" suffix for async methods", Justification = "Like Task.Run, it starts a task rather than being an asynchronous operation.")]
    public Task<T> Start<T>(Func<CancellationToken, Task<T>> work, Action<int, Task<T>> onDone, string? name = null, CancellationToken link = default)
    {
        var node = new StartedChild<T>(this, onDone, name);
        Join(node, link);
        Task<T> child;
        try
        {
            child = work(node.Source.Token) ?? Task.FromException<T>(TaskOutcomes.NullTask($"The work delegate at index {node.Index}"));
        }
#pragma warning disable CA1031 // A synchronous throw is the child's failure, reported through its task like any other.
        catch (Exception failure)
#pragma warning restore CA1031
        {
            child = TaskOutcomes.FromThrow<T>(failure);
        }

        _ = TaskObserver.Watch(child, Loop, static (t, s) => ((StartedChild<T>)s!).Run((Task<T>)t), node);
        return child;
    }

    /// <summary>Adds <paramref name="child"/> at the end of the scope, numbered in start order, with a token source of its
    /// own (cancelled already if the scope is); the owner starts it, and calls <see cref="Leave"/> once it has finished.</summary>
    /// <param name="child">The child, not yet in any scope.</param>
    /// <param name="link">A token that cancels this child alone, besides the scope's cancellation.</param>
    /// <exception cref="InvalidOperationException">The scope is closed and its last child has finished: nothing can join it.</exception>
    public void Join(ScopeChild child, CancellationToken link = default)
    {
        CancellationTokenSource source = link.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(link) : new CancellationTokenSource();
        bool cancelNow;
        lock (_gate)
        {
            if (_closed && _children.Count == 0)
            {
                source.Dispose();
                throw new InvalidOperationException($"The {_kind} has finished: every child has ended, so no new child can join it.");
            }

            child.Source = source;
            child.Index = _started++;
            _children.AddLast(child);
            cancelNow = _cancelled;
        }

        if (cancelNow)
        {
            LoopAware.CancelNow(source); // a child started after the scope was cancelled starts with a cancelled token
        }
    }

    /// <summary>Takes a finished child out of the scope and disposes its token source; the scope's <see cref="AllDone"/>
    /// completes when the last one leaves a closed scope.</summary>
    public void Leave(ScopeChild child)
    {
        bool allDone;
        lock (_gate)
        {
            _children.Remove(child);
            allDone = IsAllDone;
        }

        child.Source.Dispose();
        if (allDone)
        {
            CompleteAllDone();
        }
    }

    /// <summary>The names of the children that have not finished, in start order (unnamed ones left out).</summary>
    public IReadOnlyList<string> RunningNames()
    {
        lock (_gate)
        {
            return [.. _children.ToList().Where(c => c.Name is not null).Select(c => c.Name!)];
        }
    }

    /// <summary>No more children will start: <see cref="AllDone"/> completes once the running ones finish.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
        }

        CheckAllDone();
    }

    /// <summary>Cancels every unfinished child but <paramref name="except"/>, in start order; the errors of throwing token
    /// callbacks are thrown together. No child starts uncancelled afterwards.</summary>
    public void CancelAll(int except = -1)
    {
        List<ScopeChild> children;
        lock (_gate)
        {
            _cancelled = true;
            children = _children.ToList();
        }

        List<Exception>? callbackErrors = null;
        foreach (ScopeChild child in children)
        {
            try
            {
                if (child.Index != except)
                {
                    LoopAware.CancelNow(child.Source);
                }
            }
            catch (AggregateException error)
            {
                (callbackErrors ??= []).Add(error);
            }
            catch (ObjectDisposedException)
            {
                // finished meanwhile
            }
        }

        if (callbackErrors is not null)
        {
            // Surfaces where a throwing callback always does: from the Cancel() call (or, on a loop, its exception handler).
            throw new AggregateException(callbackErrors);
        }
    }

    /// <summary>Under _gate: closed, and every child has left.</summary>
    private bool IsAllDone => _closed && _children.Count == 0;

    private void CheckAllDone()
    {
        lock (_gate)
        {
            if (!IsAllDone)
            {
                return;
            }
        }

        CompleteAllDone();
    }

    private void CompleteAllDone()
    {
        if (_allDone.TrySetResult(true))
        {
            _shutdown.Dispose();
        }
    }

    /// <summary>A child started by <see cref="Start{T}"/>: its node, and the done-callback that hands it back.</summary>
    private sealed class StartedChild<T>(ChildScope scope, Action<int, Task<T>> onDone, string? name) : ScopeChild
    {
        public override string? Name => name;

        public void Run(Task<T> child)
        {
            try
            {
                onDone(Index, child);
            }
            finally
            {
                scope.Leave(this);
            }
        }
    }
}
