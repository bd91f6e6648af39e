namespace AsyncNotes.Benchmarks;

/// <summary>
/// The BCL code a user writes by hand where AsyncNotes has a form of its own: <c>Task.WhenAll</c> over work started with
/// a linked token that a failure cancels, with or without a <see cref="SemaphoreSlim"/> as the limit. The baselines of
/// <see cref="GatherBenchmark"/>'s delegate forms and of <see cref="SemaphoreBenchmark"/>'s <c>MapAsync</c>.
/// </summary>
internal static class ByHand
{
    /// <summary>Starts every piece of work with a linked token and awaits them all; a failure cancels the token (once
/// <c>WhenAll</c> has seen every piece end: the simplest form, and the cheapest). Nothing fails here: what is measured is
/// the cost of the linked source and of passing its token.</summary>
    public static async Task<T[]> WhenAllLinkedAsync<T>(Func<CancellationToken, Task<T>>[] work, CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var tasks = new Task<T>[work.Length];
        for (int i = 0; i < tasks.Length; i++)
        {
            tasks[i] = work[i](linked.Token);
        }

        return await AllOrCancelAsync(tasks, linked);
    }

    /// <summary>As <see cref="WhenAllLinkedAsync{T}"/>, at most <paramref name="limit"/> at once: each piece of work
    /// waits on a <see cref="SemaphoreSlim"/> (with the linked token) before it starts.</summary>
    public static async Task<T[]> WhenAllLimitedAsync<T>(Func<CancellationToken, Task<T>>[] work, int limit, CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var semaphore = new SemaphoreSlim(limit, limit);
        var tasks = new Task<T>[work.Length];
        for (int i = 0; i < tasks.Length; i++)
        {
            tasks[i] = LimitedAsync(semaphore, work[i], linked.Token);
        }

        return await AllOrCancelAsync(tasks, linked);
    }

    private static async Task<T[]> AllOrCancelAsync<T>(Task<T>[] tasks, CancellationTokenSource linked)
    {
        try
        {
            return await Task.WhenAll(tasks);
        }
        catch
        {
            await linked.CancelAsync();
            throw;
        }
    }

    private static async Task<T> LimitedAsync<T>(SemaphoreSlim semaphore, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await semaphore.WaitAsync(cancellationToken);
        try
        {
            return await work(cancellationToken);
        }
        finally
        {
            semaphore.Release();
        }
    }
}
