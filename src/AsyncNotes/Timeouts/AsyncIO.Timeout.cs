namespace AsyncNotes;

public static partial class AsyncIO
{
    /// <summary>Runs <paramref name="work"/> in a <see cref="TimeoutScope"/> whose token fires after <paramref name="delay"/>;
    /// if that deadline cut the work short, throws <see cref="TimeoutException"/>.</summary>
    /// <remarks>
    /// <para>Maps <c>asyncio.timeout</c>. The Python lines it replaces:</para>
    /// <code>
    /// async with asyncio.timeout(10) as cm:
    ///     result = await fetch(url)
    /// </code>
    /// <para>A delegate, not an <c>await using</c> block, because a disposable scope cannot see or replace the exception leaving it.</para>
    /// <para>Rules:</para>
    /// <list type="bullet">
    ///   <item>At the deadline <see cref="TimeoutScope.Token"/> fires; when the work then ends with an <see cref="OperationCanceledException"/>,
    ///   the caller gets a <see cref="TimeoutException"/> whose <see cref="Exception.InnerException"/> is that exception, and
    ///   <see cref="TimeoutScope.Expired"/> is <see langword="true"/>.</item>
    ///   <item>The run ends only when the work's task ends: cleanup the work does while cancelled has finished when the caller resumes.</item>
    ///   <item>A cancellation of <paramref name="cancellationToken"/> (linked into the scope's token) stays an
    ///   <see cref="OperationCanceledException"/> and the scope is not expired; so does a cancellation that reaches a nested scope
    ///   through its caller's token: only the scope whose own deadline fired converts it.</item>
    ///   <item>Any other exception leaves unchanged, also one thrown by cleanup running because of the deadline.</item>
    ///   <item>Work that ignores or swallows the cancellation and returns normally returns its result, even after the deadline
    ///   (then <see cref="TimeoutScope.Expired"/> is <see langword="true"/>), as in asyncio.</item>
    ///   <item>A zero or negative <paramref name="delay"/> is accepted, as in asyncio: the work starts with its token already cancelled,
    ///   so its first token-aware await (including <c>SleepAsync(TimeSpan.Zero, token)</c>) throws, and the run times out. The scope is
    ///   expired from the start, even if the work never awaits (asyncio only expires it at the block's first suspension).</item>
    ///   <item><see langword="null"/> or <see cref="Timeout.InfiniteTimeSpan"/> means no deadline: <see cref="TimeoutScope.When"/> is
    ///   <see langword="null"/> and the scope never expires unless rescheduled.</item>
    ///   <item>The deadline's timer and the scope's token source are released when the run ends.</item>
    /// </list>
    /// <para>Differs from <c>CancellationTokenSource.CancelAfter</c> plus a linked token, the BCL idiom: there the deadline surfaces as
    /// an <see cref="OperationCanceledException"/> that cannot be told apart from the caller's own cancellation, and the deadline
    /// cannot be removed.</para>
    /// </remarks>
    /// <example><code>string page = await AsyncIO.TimeoutAsync(TimeSpan.FromSeconds(10), scope => FetchAsync(url, scope.Token));</code></example>
    /// <typeparam name="T">The type of the result.</typeparam>
    /// <param name="delay">How long the work may take; <see langword="null"/> or <see cref="Timeout.InfiniteTimeSpan"/> for no limit.</param>
    /// <param name="work">The work, given the scope.</param>
    /// <param name="timeProvider">The clock; by default the current loop's, else the system's.</param>
    /// <param name="cancellationToken">The caller's token, linked into the scope's token.</param>
    /// <returns>The work's result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="work"/> is <see langword="null"/>.</exception>
    /// <exception cref="TimeoutException">The scope's deadline cancelled the work.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <seealso href="https://docs.python.org/3/library/asyncio-task.html#asyncio.timeout">asyncio.timeout</seealso>
    public static Task<T> TimeoutAsync<T>(TimeSpan? delay, Func<TimeoutScope, Task<T>> work, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        TimeProvider time = LoopAware.ResolveTime(timeProvider, "AsyncIO.TimeoutAsync");
        return RunInScopeAsync(time, TimeoutScope.Deadline(time, delay), work, TimeoutMessage, "AsyncIO.TimeoutAsync", cancellationToken);
    }

    /// <inheritdoc cref="TimeoutAsync{T}(TimeSpan?, Func{TimeoutScope, Task{T}}, TimeProvider?, CancellationToken)" path="/summary|/remarks|/exception|/seealso"/>
    /// <example><code>await AsyncIO.TimeoutAsync(TimeSpan.FromSeconds(10), scope => SaveAsync(doc, scope.Token));</code></example>
    /// <param name="delay">How long the work may take; <see langword="null"/> or <see cref="Timeout.InfiniteTimeSpan"/> for no limit.</param>
    /// <param name="work">The work, given the scope.</param>
    /// <param name="timeProvider">The clock; by default the current loop's, else the system's.</param>
    /// <param name="cancellationToken">The caller's token, linked into the scope's token.</param>
    /// <returns>A task that completes when the work has.</returns>
    public static Task TimeoutAsync(TimeSpan? delay, Func<TimeoutScope, Task> work, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        return TimeoutAsync(delay, WithoutResult(work), timeProvider, cancellationToken);
    }

    /// <summary>Runs <paramref name="work"/> in a <see cref="TimeoutScope"/> whose token fires at <paramref name="deadline"/>;
    /// if that deadline cut the work short, throws <see cref="TimeoutException"/>.</summary>
    /// <remarks>
    /// <para>Maps <c>asyncio.timeout_at</c>. The Python lines it replaces:</para>
    /// <code>
    /// async with asyncio.timeout_at(loop.time() + 10):
    ///     result = await fetch(url)
    /// </code>
    /// <para>The deadline is on the clock's <see cref="TimeProvider.GetUtcNow"/> (asyncio uses <c>loop.time()</c>); on a virtual loop that
    /// is the loop's virtual clock. A deadline at or before now behaves as a zero delay; <see langword="null"/> means no deadline.
    /// Otherwise every rule of <see cref="TimeoutAsync{T}(TimeSpan?, Func{TimeoutScope, Task{T}}, TimeProvider?, CancellationToken)"/>
    /// applies, and so does its comparison with <c>CancelAfter</c>.</para>
    /// </remarks>
    /// <example><code>string page = await AsyncIO.TimeoutAtAsync(start + TimeSpan.FromSeconds(10), scope => FetchAsync(url, scope.Token));</code></example>
    /// <typeparam name="T">The type of the result.</typeparam>
    /// <param name="deadline">When the work must be done, or <see langword="null"/> for no limit.</param>
    /// <param name="work">The work, given the scope.</param>
    /// <param name="timeProvider">The clock; by default the current loop's, else the system's.</param>
    /// <param name="cancellationToken">The caller's token, linked into the scope's token.</param>
    /// <returns>The work's result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="work"/> is <see langword="null"/>.</exception>
    /// <exception cref="TimeoutException">The scope's deadline cancelled the work.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <seealso href="https://docs.python.org/3/library/asyncio-task.html#asyncio.timeout_at">asyncio.timeout_at</seealso>
    public static Task<T> TimeoutAtAsync<T>(DateTimeOffset? deadline, Func<TimeoutScope, Task<T>> work, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        return RunInScopeAsync(LoopAware.ResolveTime(timeProvider, "AsyncIO.TimeoutAtAsync"), deadline, work, TimeoutMessage, "AsyncIO.TimeoutAtAsync", cancellationToken);
    }

    /// <inheritdoc cref="TimeoutAtAsync{T}(DateTimeOffset?, Func{TimeoutScope, Task{T}}, TimeProvider?, CancellationToken)" path="/summary|/remarks|/exception|/seealso"/>
    /// <example><code>await AsyncIO.TimeoutAtAsync(start + TimeSpan.FromSeconds(10), scope => SaveAsync(doc, scope.Token));</code></example>
    /// <param name="deadline">When the work must be done, or <see langword="null"/> for no limit.</param>
    /// <param name="work">The work, given the scope.</param>
    /// <param name="timeProvider">The clock; by default the current loop's, else the system's.</param>
    /// <param name="cancellationToken">The caller's token, linked into the scope's token.</param>
    /// <returns>A task that completes when the work has.</returns>
    public static Task TimeoutAtAsync(DateTimeOffset? deadline, Func<TimeoutScope, Task> work, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        return TimeoutAtAsync(deadline, WithoutResult(work), timeProvider, cancellationToken);
    }

    private const string TimeoutMessage = "The timeout scope's deadline passed before the work finished.";

    private static Func<TimeoutScope, Task<bool>> WithoutResult(Func<TimeoutScope, Task> work) =>
        async scope =>
        {
            // ConfigureAwait(LoopAware.OnLoop): stay on the loop.
            await work(scope).ConfigureAwait(LoopAware.OnLoop);
            return true;
        };

    private static async Task<T> RunInScopeAsync<T>(
        TimeProvider time, DateTimeOffset? deadline, Func<TimeoutScope, Task<T>> work, string message, string call, CancellationToken cancellationToken)
    {
        var scope = new TimeoutScope(time, call, cancellationToken);
        try
        {
            scope.Start(deadline);

            // ConfigureAwait(LoopAware.OnLoop): stay on the loop.
            return await work(scope).ConfigureAwait(LoopAware.OnLoop);
        }
        catch (OperationCanceledException canceled) when (scope.Finish() && !cancellationToken.IsCancellationRequested)
        {
            // Only this scope's own deadline becomes a TimeoutException; a cancellation that came in through the caller's
            // token (an outer scope's included) passes unchanged.
            throw new TimeoutException(message, canceled);
        }
        finally
        {
            scope.Finish();
        }
    }
}
