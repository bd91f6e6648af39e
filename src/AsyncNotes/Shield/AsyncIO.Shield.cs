namespace AsyncNotes;

public static partial class AsyncIO
{
    /// <summary>Awaits <paramref name="task"/> without letting <paramref name="cancellationToken"/> cancel it: the token ends
    /// only this await, and the task runs on to its end.</summary>
    /// <remarks>
    /// <para>Maps <c>asyncio.shield</c>. The Python line it replaces:</para>
    /// <code>result = await asyncio.shield(save_to_db(record))</code>
    /// <para>In .NET awaiting a task never cancels it, so every await is already a shield, and <c>task.WaitAsync(cancellationToken)</c>
    /// is exactly this idiom. This method exists to name the idiom, and to be loop-aware where <c>WaitAsync(CancellationToken)</c>
    /// is not: a cancel is delivered as a callback of its own on the loop (not inline, inside whoever called
    /// <see cref="CancellationTokenSource.Cancel()"/>), and an inner task finishing off the loop completes the shield on the loop.</para>
    /// <para>Rules:</para>
    /// <list type="bullet">
    ///   <item>The result, or the exception instances, of <paramref name="task"/> pass through unchanged.</item>
    ///   <item>A task that has already finished is returned as it is, at once (the same instance).</item>
    ///   <item>If <paramref name="task"/> is cancelled, the shield is cancelled too (awaiting it throws <see cref="OperationCanceledException"/>).</item>
    ///   <item>If <paramref name="cancellationToken"/> fires first, the shield is cancelled (awaiting it throws
    ///   <see cref="OperationCanceledException"/>), on the loop, while <paramref name="task"/> keeps running and finishes; the
    ///   shield then leaves no continuation on <paramref name="task"/>.</item>
    /// </list>
    /// <para>The work itself stays cancellable only by its own token: shield what you started with a token nobody cancels.</para>
    /// </remarks>
    /// <example><code>int saved = await AsyncIO.ShieldAsync(SaveAsync(record, CancellationToken.None), cancellationToken);</code></example>
    /// <typeparam name="T">The type of the result.</typeparam>
    /// <param name="task">The task to shield.</param>
    /// <param name="cancellationToken">Cancels the await, not the task.</param>
    /// <returns>A task that completes as <paramref name="task"/> does, or is cancelled when <paramref name="cancellationToken"/> fires first.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="task"/> is <see langword="null"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled, or <paramref name="task"/> was.</exception>
    /// <seealso href="https://docs.python.org/3/library/asyncio-task.html#asyncio.shield">asyncio.shield</seealso>
    public static Task<T> ShieldAsync<T>(Task<T> task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (task.IsCompleted)
        {
            return task;
        }

        var shield = new ShieldSource<T>();
        shield.Start(task, cancellationToken);
        return shield.Task;
    }

    /// <inheritdoc cref="ShieldAsync{T}(Task{T}, CancellationToken)" path="/summary|/remarks|/exception|/seealso"/>
    /// <example><code>await AsyncIO.ShieldAsync(FlushAsync(CancellationToken.None), cancellationToken);</code></example>
    /// <param name="task">The task to shield.</param>
    /// <param name="cancellationToken">Cancels the await, not the task.</param>
    /// <returns>A task that completes as <paramref name="task"/> does, or is cancelled when <paramref name="cancellationToken"/> fires first.</returns>
    public static Task ShieldAsync(Task task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (task.IsCompleted)
        {
            return task;
        }

        var shield = new ShieldSource<bool>();
        shield.Start(task, cancellationToken);
        return shield.Task;
    }
}
