using System.Diagnostics.CodeAnalysis;

namespace AsyncNotes;

/// <summary>Reading and making task outcomes the one way AsyncNotes does it.</summary>
internal static class TaskOutcomes
{
    /// <summary>The one exception of a faulted task, or the aggregate when it has several.</summary>
    public static Exception Unwrap(AggregateException all) => all.InnerExceptions.Count == 1 ? all.InnerExceptions[0] : all;

    /// <summary>The failure of a delegate that should have returned a task and returned null.</summary>
    /// <param name="what">Which delegate, as the start of the message: "The work delegate at index 2".</param>
    public static InvalidOperationException NullTask(string what) => new($"{what} returned null instead of a task.");

    /// <summary>The token a cancelled task was cancelled with.</summary>
    public static CancellationToken CanceledToken(Task canceled) => new TaskCanceledException(canceled).CancellationToken;

    /// <summary>The task an async method would have returned had it thrown <paramref name="failure"/>: cancelled for an
    /// <see cref="OperationCanceledException"/> (with its token when that was cancelled), faulted otherwise.</summary>
    [SuppressMessage("Usage", "VSTHRD200:Use \"Async\" suffix for async methods", Justification = "Makes a completed task, like Task.FromException.")]
    public static Task<T> FromThrow<T>(Exception failure) => failure is OperationCanceledException canceled
        ? Task.FromCanceled<T>(canceled.CancellationToken.IsCancellationRequested ? canceled.CancellationToken : new CancellationToken(true))
        : Task.FromException<T>(failure);
}
