namespace AsyncNotes.Tests.Infrastructure;

/// <summary>Runs code inside a task's completion (inside its <c>SetResult</c>), ahead of every continuation registered after.</summary>
public static class InsideCompletion
{
    /// <summary>Registers <paramref name="action"/> to run synchronously where <paramref name="task"/> completes, before any
    /// continuation registered later sees the completion.</summary>
    public static void Of(Task task, Action action) =>
        _ = task.ContinueWith(_ => action(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
