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
        try
        {
            Task<T> mainTask = StartOnNextTurnAsync(() =>
            {
                SetCurrentTaskName("main");
                return main();
            });
            Register(mainTask, "main", cancellation: null);
            _ = mainTask.ContinueWith(
                static (_, loop) => ((EventLoop)loop!).Wake(),
                this,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);

            RunUntil(() => mainTask.IsCompleted);
            if (_fatal is null)
            {
                CancelAndAwaitPendingTasks();
            }

            return Outcome(mainTask);
        }
        finally
        {
            Close();
            System.Threading.SynchronizationContext.SetSynchronizationContext(previous);
            t_current = null;
        }
    }

    /// <summary>Like asyncio's <c>create_task</c>: the work starts at the loop's next turn, not inside this call.</summary>
    internal static async Task<T> StartOnNextTurnAsync<T>(Func<Task<T>> work)
    {
        // Task.Yield posts the rest of this method to SynchronizationContext.Current, which is this loop: the work then
        // starts in FIFO order behind whatever was already ready, as a new asyncio task does.
        await Task.Yield();

        // ConfigureAwait(true): the task's code belongs to the loop; its continuation must come back to the loop thread.
        return await work().ConfigureAwait(true);
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
