namespace AsyncNotes;

/// <summary>The BCL path to <c>async with sem:</c>: <see cref="SemaphoreSlim"/> with a releaser for <c>using</c>.</summary>
/// <remarks>
/// <para>Maps asyncio's <c>async with sem:</c> onto the BCL's semaphore. The Python lines it replaces:</para>
/// <code>
/// sem = asyncio.Semaphore(10)
/// async with sem:
///     await fetch(url)
/// </code>
/// <para>In C#: <c>using (await sem.AcquireAsync(ct)) { await FetchAsync(url, ct); }</c>.</para>
/// <list type="bullet">
///   <item><c>new SemaphoreSlim(n, n)</c> is asyncio's <c>BoundedSemaphore(n)</c>: a release above <c>n</c> throws
///   <see cref="SemaphoreFullException"/>. <c>new SemaphoreSlim(n)</c> is <c>Semaphore(n)</c>: extra releases grow the count.</item>
///   <item>What this project's tests found <see cref="SemaphoreSlim"/> doing on .NET 10, beyond its documentation: its
///   asynchronous waiters are served in arrival order and a release hands the permit straight over (no barging); a waiter
///   cancelled just after it was handed a permit keeps it (asyncio's semaphore gives it back). Where the latter matters,
///   or the order must be a promise rather than an observation, use <see cref="AsyncSemaphore"/>.</item>
/// </list>
/// </remarks>
public static class SemaphoreSlimExtensions
{
    /// <summary>Waits for a permit and returns a releaser that gives it back when disposed.</summary>
    /// <remarks>
    /// <para>Maps asyncio's <c>async with sem:</c>. The Python line it replaces:</para>
    /// <code>async with sem:</code>
    /// <para>Unlike <see cref="SemaphoreSlim.WaitAsync(CancellationToken)"/> followed by a <c>try</c>/<c>finally</c> by hand, the
    /// release cannot be forgotten or run for a wait that was cancelled (no permit, nothing to release).</para>
    /// </remarks>
    /// <param name="semaphore">The semaphore.</param>
    /// <param name="cancellationToken">Cancels the wait; no permit is taken then.</param>
    /// <returns>A releaser to dispose (with <c>using</c>) to release the permit.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="semaphore"/> is <see langword="null"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before a permit was taken.</exception>
    /// <exception cref="ObjectDisposedException">The semaphore has been disposed.</exception>
    public static Task<AsyncReleaser> AcquireAsync(this SemaphoreSlim semaphore, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(semaphore);
        Task wait = semaphore.WaitAsync(cancellationToken);
        return wait.IsCompletedSuccessfully ? Task.FromResult(new AsyncReleaser(semaphore)) : WaitThenReleaserAsync(semaphore, wait);
    }

    private static async Task<AsyncReleaser> WaitThenReleaserAsync(SemaphoreSlim semaphore, Task wait)
    {
        await wait.ConfigureAwait(LoopAware.OnLoop);
        return new AsyncReleaser(semaphore);
    }
}
