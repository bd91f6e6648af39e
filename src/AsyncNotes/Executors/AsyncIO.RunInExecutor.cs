namespace AsyncNotes;

public static partial class AsyncIO
{
    /// <summary>Runs blocking <paramref name="work"/> on <paramref name="executor"/>, or on the thread pool when it is
    /// <see langword="null"/>, and awaits its result: Python's <c>loop.run_in_executor(executor, func)</c>.</summary>
    /// <remarks>
    /// <para>Maps asyncio's <c>loop.run_in_executor</c>. The Python lines it replaces:</para>
    /// <code>
    /// rows = await loop.run_in_executor(None, blocking_query, sql)   # the default executor
    /// rows = await loop.run_in_executor(pool, blocking_query, sql)   # a ThreadPoolExecutor of its own
    /// </code>
    /// <para>The rules:</para>
    /// <list type="bullet">
    ///   <item>With <see langword="null"/>, it is <see cref="ToThreadAsync{T}(Func{T}, CancellationToken)"/>: the thread
    ///   pool, with no limit of AsyncNotes' own. With an executor, it is
    ///   <see cref="ThreadPoolExecutor.Submit{T}(Func{T}, CancellationToken)"/>: at most its <c>MaxWorkers</c> at once,
    ///   first submitted, first started.</item>
    ///   <item>On an <see cref="EventLoop"/>, the work is tracked until its result is back on the loop: a virtual clock does
    ///   not jump, and no deadlock is declared, meanwhile.</item>
    ///   <item>The function's exception reaches the awaiter unchanged. The token only stops work that has not started (a
    ///   running thread cannot be interrupted); pass it into the function to stop it cooperatively.</item>
    /// </list>
    /// <para>Against the BCL: <see cref="Task.Run{TResult}(Func{TResult}, CancellationToken)"/> is the <see langword="null"/>
    /// case, without the loop's tracking.</para>
    /// </remarks>
    /// <typeparam name="T">The result.</typeparam>
    /// <param name="executor">The executor, or <see langword="null"/> for the thread pool (Python's default executor).</param>
    /// <param name="work">The blocking function.</param>
    /// <param name="cancellationToken">Cancels the work while it has not started.</param>
    /// <returns>The result of <paramref name="work"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="work"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="executor"/> has been shut down.</exception>
    /// <seealso href="https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.run_in_executor">loop.run_in_executor</seealso>
    public static Task<T> RunInExecutorAsync<T>(ThreadPoolExecutor? executor, Func<T> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        return executor is null ? ToThreadAsync(work, cancellationToken) : executor.Submit(work, cancellationToken);
    }

    /// <inheritdoc cref="RunInExecutorAsync{T}(ThreadPoolExecutor?, Func{T}, CancellationToken)" path="/summary|/remarks|/exception|/seealso"/>
    /// <param name="executor">The executor, or <see langword="null"/> for the thread pool (Python's default executor).</param>
    /// <param name="work">The blocking action.</param>
    /// <param name="cancellationToken">Cancels the work while it has not started.</param>
    /// <returns>A task that completes when <paramref name="work"/> has run.</returns>
    public static Task RunInExecutorAsync(ThreadPoolExecutor? executor, Action work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        return RunInExecutorAsync(executor, WorkWithoutResult.ReturningTrue(work), cancellationToken);
    }
}
