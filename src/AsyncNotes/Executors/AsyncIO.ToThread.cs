namespace AsyncNotes;

public static partial class AsyncIO
{
    /// <summary>Runs blocking or CPU-bound <paramref name="work"/> on a thread-pool thread and awaits its result.</summary>
    /// <remarks>
    /// <para>Maps <c>asyncio.to_thread</c> (and <c>loop.run_in_executor(None, f)</c>). The Python line it replaces:</para>
    /// <code>rows = await asyncio.to_thread(blocking_db_call, arg1)</code>
    /// <para>Differs from <see cref="Task.Run{TResult}(Func{TResult}, CancellationToken)"/>:</para>
    /// <list type="bullet">
    ///   <item>On an <see cref="EventLoop"/>, the work is tracked: a virtual clock does not jump, and no deadlock is declared,
    ///   while it runs. Work started with a bare <c>Task.Run</c> is invisible to the loop.</item>
    ///   <item>The result comes back to the loop as one ready callback, in FIFO order with the rest of the loop's work.</item>
    /// </list>
    /// <para>Rules:</para>
    /// <list type="bullet">
    ///   <item><paramref name="work"/> runs once, on a thread that is not the loop's.</item>
    ///   <item>Its exception reaches the awaiter unchanged, not wrapped in an <see cref="AggregateException"/>.</item>
    ///   <item><paramref name="cancellationToken"/> only stops work that has not started yet: running code cannot be interrupted
    ///   (as in Python, where a thread cannot be cancelled); pass the token into <paramref name="work"/> to stop it cooperatively.</item>
    /// </list>
    /// </remarks>
    /// <example><code>string text = await AsyncIO.ToThreadAsync(() => File.ReadAllText(path));</code></example>
    /// <typeparam name="T">The type of the result.</typeparam>
    /// <param name="work">The blocking function.</param>
    /// <param name="cancellationToken">Cancels the work if it has not started yet.</param>
    /// <returns>The result of <paramref name="work"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="work"/> is <see langword="null"/>.</exception>
    /// <seealso href="https://docs.python.org/3/library/asyncio-task.html#asyncio.to_thread">asyncio.to_thread</seealso>
    public static Task<T> ToThreadAsync<T>(Func<T> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        EventLoop? loop = EventLoop.CurrentFor("AsyncIO.ToThreadAsync");
        return loop is null ? Task.Run(work, cancellationToken) : loop.RunTrackedAsync(work, cancellationToken);
    }

    /// <inheritdoc cref="ToThreadAsync{T}(Func{T}, CancellationToken)" path="/summary|/remarks|/exception|/seealso"/>
    /// <example><code>await AsyncIO.ToThreadAsync(() => File.WriteAllText(path, text));</code></example>
    /// <param name="work">The blocking action.</param>
    /// <param name="cancellationToken">Cancels the work if it has not started yet.</param>
    /// <returns>A task that completes when <paramref name="work"/> has run.</returns>
    public static Task ToThreadAsync(Action work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        return ToThreadAsync(WorkWithoutResult.ReturningTrue(work), cancellationToken);
    }
}
