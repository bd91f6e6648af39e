using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace AsyncNotes;

// asyncio.run: start main as the first task, run until it is done, cancel and await what is left, close the loop.
public sealed partial class EventLoop
{
    internal T RunMain<T>(Func<Task<T>> main)
    {
        SynchronizationContext? previous = System.Threading.SynchronizationContext.Current;
        t_current = this;
        System.Threading.SynchronizationContext.SetSynchronizationContext(_context);
        BeginFlow();
        _baseExecutionContext = ExecutionContext.Capture();
        Volatile.Write(ref _running, true);
        try
        {
            var mainInfo = new LoopTask("main", startedBy: null);
            Task<T> mainTask = StartOnNextTurn(() =>
            {
                SetCurrentTask(mainInfo);
                return main();
            });
            _ = TakeTaskName(); // main is asyncio's Task-1: the first task it creates is Task-2
            mainInfo.Task = mainTask;
            Register(mainTask, mainInfo, cancellation: null);

            // asyncio.run stops through a done-callback of main: one callback after main finishes, so what main scheduled in
            // its last step (a new task's first step) still runs before the shutdown cancels it.
            var stopped = new StrongBox<bool>();
            _ = TaskObserver.Watch(mainTask, this, static (_, s) => ((StrongBox<bool>)s!).Value = true, stopped);
            RunUntil(() => stopped.Value);
            if (_fatal is null)
            {
                CancelAndAwaitPendingTasks();
            }

            if (_fatal is null)
            {
                ReportUnretrievedTaskFailures();
            }

            return Outcome(mainTask);
        }
        finally
        {
            Volatile.Write(ref _running, false);
            StopWatchingUnobserved();
            Close();
            EndFlow();
            System.Threading.SynchronizationContext.SetSynchronizationContext(previous);
            t_current = null;
        }
    }

    /// <summary>Like asyncio's <c>create_task</c>: the work starts at the loop's next turn, not inside this call, as a task of
    /// its own (under a synchronization context of its own, so its completion schedules its awaiters).</summary>
    /// <param name="work">The task's code.</param>
    /// <param name="beforeFirstStep">Given the task before its first step is queued: to register it from another thread
    /// without racing that step.</param>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "VSTHRD200:Use \"Async\" suffix for async methods", Justification = "Starts a task, like Task.Run.")]
    internal Task<T> StartOnNextTurn<T>(Func<Task<T>> work, Action<Task<T>>? beforeFirstStep = null)
    {
        var start = new TaskStart<T>(work);
        Task<T> task = start.Task;
        beforeFirstStep?.Invoke(task);
        Post(static s => ((TaskStart<T>)s!).Run(), start);
        return task;
    }

    private sealed class TaskStart<T>(Func<Task<T>> work)
    {
        // The creator's execution context, as create_task copies the contextvars: AsyncLocal values flow into the task.
        private readonly ExecutionContext? _context = ExecutionContext.Capture();

        // Not RunContinuationsAsynchronously: Unwrap's proxy then completes inside the work's own completion, in its step.
        private readonly TaskCompletionSource<Task<T>> _started = new();

        public Task<T> Task => _started.Task.Unwrap();

        public void Run()
        {
            if (_context is null)
            {
                _started.TrySetResult(RunWork());
            }
            else
            {
                ExecutionContext.Run(_context, static s => ((TaskStart<T>)s!)._started.TrySetResult(((TaskStart<T>)s!).RunWork()), this);
            }
        }

        [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "VSTHRD200:Use \"Async\" suffix for async methods", Justification = "Starts the work.")]
        private Task<T> RunWork()
        {
            try
            {
                return work();
            }
#pragma warning disable CA1031 // A synchronous throw is the task's failure, as if the async method had thrown.
            catch (Exception failure)
#pragma warning restore CA1031
            {
                return TaskOutcomes.FromThrow<T>(failure);
            }
        }
    }

    private T Outcome<T>(Task<T> mainTask)
    {
        ExceptionDispatchInfo? fatal = _fatal;
        if (fatal is null || mainTask.IsCompletedSuccessfully)
        {
            if (fatal is not null)
            {
                fatal.Throw();
            }

            // The task is complete, so this does not block; GetResult rethrows the original exception (and, for a
            // cancelled task, the original OperationCanceledException), not an AggregateException.
#pragma warning disable VSTHRD002
            return mainTask.GetAwaiter().GetResult();
#pragma warning restore VSTHRD002
        }

        if (!mainTask.IsCompleted)
        {
            fatal.Throw();
        }

        // Both main and the loop failed: throw both, main's first, rather than drop one.
        Exception mainFailure = mainTask.Exception?.InnerException ?? new TaskCanceledException(mainTask);
        throw new AggregateException(mainFailure, fatal.SourceException);
    }
}
