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
    public static Task SleepAsync(TimeSpan delay, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        EventLoop? loop = EventLoop.Current;
        if (delay <= TimeSpan.Zero)
        {
            return YieldOneTurnAsync(cancellationToken);
        }

        return loop is null
            ? Task.Delay(delay > LoopAware.MaxSystemTimerDelay ? Timeout.InfiniteTimeSpan : delay, TimeProvider.System, cancellationToken)
            : SleepOnLoopAsync(loop, delay, cancellationToken);
    }

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
    public static async Task<T> SleepAsync<T>(TimeSpan delay, T result, CancellationToken cancellationToken = default)
    {
        // ConfigureAwait(true): the caller's continuation stays on the loop it came from.
        await SleepAsync(delay, cancellationToken).ConfigureAwait(true);
        return result;
    }

    private static async Task YieldOneTurnAsync(CancellationToken cancellationToken)
    {
        // On a loop, Task.Yield posts the continuation to the loop's SynchronizationContext: it runs after every callback
        // that is already in the ready queue, exactly one turn later. Off a loop it queues to the thread pool.
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
    }

    private static async Task SleepOnLoopAsync(EventLoop loop, TimeSpan delay, CancellationToken cancellationToken)
    {
        // Completed only from callbacks on the loop: the timer's own callback, or a cancellation posted to the loop. The
        // sleeper resumes inside that callback, in its FIFO slot, as asyncio schedules a task's next step. The source is
        // deliberately not RunContinuationsAsynchronously: that would send Task.WhenAll's and ContinueWith's continuations
        // to the thread pool, where the loop cannot see them.
        var wakeUp = new TaskCompletionSource();
        using ITimer timer = loop.Time.CreateTimer(
            static s => ((TaskCompletionSource)s!).TrySetResult(), wakeUp, delay, Timeout.InfiniteTimeSpan);
        using CancellationTokenRegistration registration = cancellationToken.UnsafeRegister(
            static (s, token) =>
            {
                (EventLoop owner, TaskCompletionSource source) = ((EventLoop, TaskCompletionSource))s!;
                owner.Post(_ => source.TrySetCanceled(token), null);
            },
            (loop, wakeUp));

        // ConfigureAwait(true): resume on the loop; leaving the using blocks disposes the timer, so a cancelled sleep
        // leaves nothing armed.
        await wakeUp.Task.ConfigureAwait(true);
    }
}
