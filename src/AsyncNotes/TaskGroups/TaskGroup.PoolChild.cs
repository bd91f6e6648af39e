using System.Diagnostics.CodeAnalysis;

namespace AsyncNotes;

public sealed partial class TaskGroup
{
    /// <summary>Starts a child off any loop: one <see cref="PoolChild{T}"/> is the child's place in the scope, its thread-pool
    /// work item and its done-callback.</summary>
    [SuppressMessage("Usage", "VSTHRD200:Use \"Async\" suffix for async methods", Justification = "Starts the child, like Task.Run.")]
    private Task<T> StartOnThePool<T>(Func<CancellationToken, Task<T>>? work, Func<CancellationToken, Task>? workWithoutResult, string? name, CancellationToken cancellationToken)
    {
        LoopTask info = name is null
            ? new LoopTask(Interlocked.Increment(ref _offLoopChildren), EventLoop.CurrentTask)
            : new LoopTask(name, EventLoop.CurrentTask);
        var child = new PoolChild<T>(this, work, workWithoutResult, info, _slots is null ? null : new SlotHold());
        try
        {
            _scope.Join(child, cancellationToken);
        }
        catch (InvalidOperationException)
        {
            throw Finished();
        }

        ThreadPool.UnsafeQueueUserWorkItem(child, preferLocal: false);
        return child.Task;
    }

    /// <summary>A child off any loop, in one object besides its task: what <c>Task.Run</c>, a done-callback and the scope's
    /// node would each allocate.</summary>
    /// <remarks>
    /// <list type="bullet">
    ///   <item>Runs as a thread-pool work item under the creator's <see cref="ExecutionContext"/> (as <c>Task.Run</c> flows it).</item>
    ///   <item>When the work's task ends (inline, where it completes), the group deals with the outcome first (a failure
    ///   aborts it), the slot goes back, then the child's own task completes with the work's outcome (its awaiters run
    ///   after the group has seen the failure, as they do after asyncio's done-callback), and last the child leaves the
    ///   scope, so that <c>RunAsync</c> never ends before a child's task has.</item>
    ///   <item>A child cancelled before it ran ends cancelled without running its work.</item>
    /// </list>
    /// </remarks>
    private sealed class PoolChild<T> : ScopeChild, IThreadPoolWorkItem
    {
        private readonly TaskGroup _group;
        private readonly Func<CancellationToken, Task<T>>? _work;
        private readonly Func<CancellationToken, Task>? _workWithoutResult;
        private readonly LoopTask _info;
        private readonly SlotHold? _slot;
        private readonly ExecutionContext? _context = ExecutionContext.Capture();
        private readonly TaskCompletionSource<T> _outcome = new();
        private Task? _running;

        public PoolChild(TaskGroup group, Func<CancellationToken, Task<T>>? work, Func<CancellationToken, Task>? workWithoutResult, LoopTask info, SlotHold? slot)
        {
            _group = group;
            _work = work;
            _workWithoutResult = workWithoutResult;
            _info = info;
            _slot = slot;
            info.Task = _outcome.Task;
        }

        public Task<T> Task => _outcome.Task;

        public override string? Name => _info.Name;

        public void Execute()
        {
            if (_context is null)
            {
                Start();
            }
            else
            {
                ExecutionContext.Run(_context, static s => ((PoolChild<T>)s!).Start(), this);
            }
        }

        [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A work delegate that throws fails the child, as an async method's throw would.")]
        private void Start()
        {
            CancellationToken token = Source.Token;
            Task running;
            try
            {
                EventLoop.SetCurrentTask(_info);
                token.ThrowIfCancellationRequested();
                running = (_slot, _workWithoutResult) switch
                {
                    (null, { } withoutResult) => withoutResult(token) ?? throw TaskOutcomes.NullTask("The work delegate"),
                    (null, null) => Invoke(_work!, token),
                    (_, { } withoutResult) => _group.RunInSlotAsync(WorkWithoutResult.ReturningTrue(withoutResult), _slot, token),
                    _ => _group.RunInSlotAsync(_work!, _slot, token),
                };
            }
            catch (Exception failure)
            {
                running = TaskOutcomes.FromThrow<T>(failure);
            }

            _running = running;
            if (running.IsCompleted)
            {
                OnDone();
            }
            else
            {
                // No context: where the work completes, or on the thread pool if that place has a synchronization context.
                running.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(OnDone);
            }
        }

        private void OnDone()
        {
            Task running = _running!;
            try
            {
                _group.OnChildDone(Index, running);
                _slot?.ReleaseTo(_group._slots!);
                Complete(running);
            }
            finally
            {
                _group._scope.Leave(this);
            }
        }

        private void Complete(Task running)
        {
            switch (running.Status)
            {
                case TaskStatus.RanToCompletion:
#pragma warning disable VSTHRD002 // The task is complete: nothing blocks.
                    _outcome.TrySetResult(running is Task<T> withResult ? withResult.Result : default!);
#pragma warning restore VSTHRD002
                    break;
                case TaskStatus.Canceled:
                    _outcome.TrySetCanceled(TaskOutcomes.CanceledToken(running));
                    break;
                default:
                    _outcome.TrySetException(running.Exception!.InnerExceptions);
                    _ = _outcome.Task.Exception; // observed: the group has it, whether or not anyone awaits the child
                    break;
            }
        }
    }
}
