namespace AsyncNotes;

/// <summary>The one adapter from work without a result to work with one, so that the plain overloads (<c>CreateTask</c>,
/// <c>GatherAsync</c>, <c>TaskGroup.CreateTask</c>) share the generic machinery.</summary>
internal static class WorkWithoutResult
{
    /// <summary>Work that returns <see langword="true"/> when <paramref name="work"/> completes; its failure or cancellation
    /// passes through, and a <see langword="null"/> task fails it with a clear message.</summary>
    public static Func<CancellationToken, Task<bool>> ReturningTrue(Func<CancellationToken, Task> work) =>
        ct => TrueWhenDoneAsync(work(ct) ?? throw TaskOutcomes.NullTask("The work delegate"));

    /// <summary>A blocking function that returns <see langword="true"/> after <paramref name="work"/> ran (for
    /// <c>ToThreadAsync</c> and an executor's <c>Submit</c>).</summary>
    public static Func<bool> ReturningTrue(Action work) => () =>
    {
        work();
        return true;
    };

    /// <summary>A task that returns <see langword="true"/> when <paramref name="task"/> completes (its failure or cancellation passes through).</summary>
    public static async Task<bool> TrueWhenDoneAsync(Task task)
    {
        // ConfigureAwait(LoopAware.OnLoop): the work's code belongs to the loop.
        await task.ConfigureAwait(LoopAware.OnLoop);
        return true;
    }
}
