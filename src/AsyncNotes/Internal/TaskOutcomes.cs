using System.Diagnostics.CodeAnalysis;

namespace AsyncNotes;

/// <summary>Reading and making task outcomes the one way AsyncNotes does it.</summary>
internal static class TaskOutcomes
{
    /// <summary>The one exception of a faulted task, or the aggregate when it has several.</summary>
    public static Exception Unwrap(AggregateException all) => all.InnerExceptions.Count == 1 ? all.InnerExceptions[0] : all;

    /// <summary>The token a cancelled task was cancelled with.</summary>
    public static CancellationToken CanceledToken(Task canceled) => new TaskCanceledException(canceled).CancellationToken;

    /// <summary>The task an async method would have returned had it thrown <paramref name="failure"/>: cancelled for an
    /// <see cref="OperationCanceledException"/> (with its token when that was cancelled), faulted otherwise.</summary>
    [SuppressMessage("Usage", "VSTHRD200:Use \"Async\" suffix for async methods", Justification = "Makes a completed task, like Task.FromException.")]
    public static Task<T> FromThrow<T>(Exception failure) => failure is OperationCanceledException canceled
        ? Task.FromCanceled<T>(canceled.CancellationToken.IsCancellationRequested ? canceled.CancellationToken : new CancellationToken(true))
        : Task.FromException<T>(failure);
}
