namespace AsyncNotes;

public static partial class AsyncIO
{
    /// <summary>Waits for <paramref name="delay"/> on the current loop's clock, or on <see cref="TimeProvider.System"/> off a loop.</summary>
    /// <remarks>
    /// <para>Maps <c>asyncio.sleep</c>. The Python line it replaces:</para>
    /// <code>await asyncio.sleep(1)</code>
    /// <para>Differs from <c>Task.Delay(TimeSpan, CancellationToken)</c>:</para>
    /// <list type="bullet">
    ///   <item>It uses the loop's clock, so on a virtual loop it takes no real time and ends at an exact instant.</item>
    ///   <item><see cref="TimeSpan.Zero"/> yields exactly one turn of the loop: the caller resumes after every callback that
    ///   was already ready. <c>Task.Delay(0)</c> returns a completed task and yields nothing.</item>
    ///   <item>A negative delay behaves like zero, as in asyncio; <c>Task.Delay</c> throws for any negative value but
    ///   <see cref="Timeout.InfiniteTimeSpan"/>, which here is negative too and so also yields one turn. To sleep until
    ///   cancelled, pass <see cref="TimeSpan.MaxValue"/>.</item>
    /// </list>
    /// <para>Rules:</para>
    /// <list type="bullet">
    ///   <item>Sleeps started together end in the order of their due times; equal due times end in the order they started.</item>
    ///   <item>Cancellation throws <see cref="OperationCanceledException"/> at once, at the instant of the cancel, and leaves no timer behind.</item>
    /// </list>
    /// </remarks>
    /// <example><code>await AsyncIO.SleepAsync(TimeSpan.FromSeconds(1), cancellationToken);</code></example>
    /// <param name="delay">How long to sleep.</param>
    /// <param name="cancellationToken">Cancels the sleep.</param>
    /// <returns>A task that completes when the delay has passed.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <seealso href="https://docs.python.org/3/library/asyncio-task.html#asyncio.sleep">asyncio.sleep</seealso>
    public static Task SleepAsync(TimeSpan delay, CancellationToken cancellationToken = default) =>
        SleepAsync(delay, true, cancellationToken);

    /// <summary>Waits for <paramref name="delay"/>, then returns <paramref name="result"/>.</summary>
    /// <remarks>
    /// <para>Maps <c>asyncio.sleep(delay, result)</c>. The Python line it replaces:</para>
    /// <code>value = await asyncio.sleep(1, result="done")</code>
    /// <para>Otherwise as <see cref="SleepAsync(TimeSpan, CancellationToken)"/>.</para>
    /// </remarks>
    /// <typeparam name="T">The type of the result.</typeparam>
    /// <param name="delay">How long to sleep.</param>
    /// <param name="result">The value to return.</param>
    /// <param name="cancellationToken">Cancels the sleep.</param>
    /// <returns><paramref name="result"/>, after the delay.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static Task<T> SleepAsync<T>(TimeSpan delay, T result, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        EventLoop? loop = EventLoop.CurrentFor("AsyncIO.SleepAsync");
        if (delay <= TimeSpan.Zero && loop is not null && !cancellationToken.CanBeCanceled)
        {
            // asyncio's bare yield, with nothing that could decide it sooner: no future needed, one callback in all.
            return LoopYield<T>.YieldAsync(loop, result);
        }

        var wakeUp = new LoopFuture<T>(loop);
        wakeUp.CancelWhen(cancellationToken);
        if (delay > TimeSpan.Zero)
        {
            // asyncio's call_later(delay, set_result): the timer decides the result, and the sleeper is scheduled one callback
            // later. Any finite delay is honoured on any clock; the timer leaves with the outcome, so a cancelled sleep leaves
            // nothing armed.
            wakeUp.ResolveAfter(loop?.Time ?? TimeProvider.System, delay, result);
        }
        else if (loop is not null)
        {
            // The bare yield that a token may cancel first: as LoopYield, one callback posted now as the sleeper's own next step,
            // on a future whose cancel is decided inside Cancel().
            wakeUp.ResumeSoon(loop, SynchronizationContext.Current, result);
        }
        else
        {
            // Off a loop: one trip through the thread pool.
            ThreadPool.UnsafeQueueUserWorkItem(static y => y.WakeUp.TryResumeWith(y.Result), new Yield<T>(wakeUp, result), preferLocal: false);
        }

        return wakeUp.Task;
    }

    private sealed record Yield<T>(LoopFuture<T> WakeUp, T Result);
}
