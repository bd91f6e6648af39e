namespace AsyncNotes;

public static partial class AsyncIO
{
    /// <summary>Runs <paramref name="work"/> with a time limit: at the deadline its token fires, and once it has finished
    /// unwinding, <see cref="TimeoutException"/> is thrown.</summary>
    /// <remarks>
    /// <para>Maps <c>asyncio.wait_for</c> (3.12 semantics, built on the same scope as
    /// <see cref="TimeoutAsync{T}(TimeSpan?, Func{TimeoutScope, Task{T}}, TimeProvider?, CancellationToken)"/>). The Python line it replaces:</para>
    /// <code>result = await asyncio.wait_for(fetch(url), timeout=10)</code>
    /// <para>Rules:</para>
    /// <list type="bullet">
    ///   <item>At the deadline the work's token fires; the call waits for the work to finish, then throws <see cref="TimeoutException"/>
    ///   whose <see cref="Exception.InnerException"/> is the work's <see cref="OperationCanceledException"/>.</item>
    ///   <item>If the work still returns a value (it ignored or suppressed the cancellation), that value is returned.</item>
    ///   <item>If the work throws another exception while being cancelled, that exception propagates, not a timeout.</item>
    ///   <item>A zero or negative <paramref name="timeout"/> is accepted, as in asyncio: <paramref name="work"/> is never invoked and
    ///   <see cref="TimeoutException"/> is thrown at once.</item>
    ///   <item><see langword="null"/> or <see cref="Timeout.InfiniteTimeSpan"/>: no limit, but <paramref name="cancellationToken"/> is still
    ///   linked into the work's token.</item>
    ///   <item>Cancelling <paramref name="cancellationToken"/> cancels the work, waits for it to finish, and throws
    ///   <see cref="OperationCanceledException"/>, never <see cref="TimeoutException"/>.</item>
    ///   <item>A result that arrives before the deadline is returned and the timer is released: nothing fires later.</item>
    /// </list>
    /// <para>Differs from <c>Task.WaitAsync(TimeSpan)</c>, which abandons the operation at the deadline and leaves it running,
    /// and from <c>CancellationTokenSource.CancelAfter</c>, which cancels but surfaces as <see cref="OperationCanceledException"/>.</para>
    /// </remarks>
    /// <example><code>string page = await AsyncIO.WaitForAsync(ct => FetchAsync(url, ct), TimeSpan.FromSeconds(10));</code></example>
    /// <typeparam name="T">The type of the result.</typeparam>
    /// <param name="work">The work, given a token that fires at the deadline or when <paramref name="cancellationToken"/> does.</param>
    /// <param name="timeout">The time limit; <see langword="null"/> or <see cref="Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <param name="timeProvider">The clock; by default the current loop's, else the system's.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The work's result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="work"/> is <see langword="null"/>.</exception>
    /// <exception cref="TimeoutException">The time limit passed and the work was cancelled.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <seealso href="https://docs.python.org/3/library/asyncio-task.html#asyncio.wait_for">asyncio.wait_for</seealso>
    public static Task<T> WaitForAsync<T>(Func<CancellationToken, Task<T>> work, TimeSpan? timeout, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        if (IsNonPositive(timeout))
        {
            // asyncio cancels the coroutine before it ever starts and raises TimeoutError from that CancelledError, after
            // waiting one turn for the cancellation: callbacks already queued run first.
            return TimeOutAfterOneTurnAsync<T>(new TimeoutException(WaitForMessage, new OperationCanceledException()));
        }

        TimeProvider time = LoopAware.ResolveTime(timeProvider, "AsyncIO.WaitForAsync");
        return RunInScopeAsync(time, TimeoutScope.Deadline(time, timeout), scope => work(scope.Token), WaitForMessage, "AsyncIO.WaitForAsync", cancellationToken);
    }

    /// <inheritdoc cref="WaitForAsync{T}(Func{CancellationToken, Task{T}}, TimeSpan?, TimeProvider?, CancellationToken)" path="/summary|/remarks|/exception|/seealso"/>
    /// <example><code>await AsyncIO.WaitForAsync(ct => SaveAsync(doc, ct), TimeSpan.FromSeconds(10));</code></example>
    /// <param name="work">The work, given a token that fires at the deadline or when <paramref name="cancellationToken"/> does.</param>
    /// <param name="timeout">The time limit; <see langword="null"/> or <see cref="Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <param name="timeProvider">The clock; by default the current loop's, else the system's.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A task that completes when the work has.</returns>
    public static Task WaitForAsync(Func<CancellationToken, Task> work, TimeSpan? timeout, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        return WaitForAsync(
            async ct =>
            {
                // ConfigureAwait(LoopAware.OnLoop): stay on the loop.
                await work(ct).ConfigureAwait(LoopAware.OnLoop);
                return true;
            },
            timeout,
            timeProvider,
            cancellationToken);
    }

    /// <summary>Waits for an already running <paramref name="task"/> with a time limit; at the deadline throws
    /// <see cref="TimeoutException"/> and leaves the task running, because a hot task cannot be cancelled by whoever awaits it.</summary>
    /// <remarks>
    /// <para>Maps <c>asyncio.wait_for</c> over a future that is not ours to cancel, typically a shielded one. The Python line it replaces:</para>
    /// <code>result = await asyncio.wait_for(asyncio.shield(task), timeout=10)</code>
    /// <para>Rules:</para>
    /// <list type="bullet">
    ///   <item>A task that has already completed returns its result (or throws its exception) whatever the timeout, even zero or negative.</item>
    ///   <item>Otherwise, a zero or negative <paramref name="timeout"/> throws <see cref="TimeoutException"/> at once.</item>
    ///   <item>At the deadline <see cref="TimeoutException"/> is thrown and <paramref name="task"/> keeps running (it is not cancelled:
    ///   C# has no <c>task.cancel()</c>). To have the work cancelled and awaited, pass a delegate to
    ///   <see cref="WaitForAsync{T}(Func{CancellationToken, Task{T}}, TimeSpan?, TimeProvider?, CancellationToken)"/>.</item>
    ///   <item><see langword="null"/> or <see cref="Timeout.InfiniteTimeSpan"/>: no limit.</item>
    ///   <item>Cancelling <paramref name="cancellationToken"/> throws <see cref="OperationCanceledException"/> at once; the task keeps running.</item>
    /// </list>
    /// <para>Like <c>Task.WaitAsync(TimeSpan, TimeProvider, CancellationToken)</c>, but on the loop's clock by default, accepting
    /// non-positive timeouts, and returning an already completed task's result even with a zero timeout.</para>
    /// </remarks>
    /// <example><code>string page = await AsyncIO.WaitForAsync(pageTask, TimeSpan.FromSeconds(10));</code></example>
    /// <typeparam name="T">The type of the result.</typeparam>
    /// <param name="task">The running task.</param>
    /// <param name="timeout">The time limit; <see langword="null"/> or <see cref="Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <param name="timeProvider">The clock; by default the current loop's, else the system's.</param>
    /// <param name="cancellationToken">Stops waiting (the task is not cancelled).</param>
    /// <returns>The task's result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="task"/> is <see langword="null"/>.</exception>
    /// <exception cref="TimeoutException">The time limit passed first.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public static Task<T> WaitForAsync<T>(Task<T> task, TimeSpan? timeout, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (task.IsCompleted)
        {
            return task;
        }

        if (IsNonPositive(timeout))
        {
            return Task.FromException<T>(new TimeoutException(WaitForMessage));
        }

        return WaitForTaskAsync<T>(task, timeout, LoopAware.ResolveTime(timeProvider, "AsyncIO.WaitForAsync"), cancellationToken);
    }

    /// <inheritdoc cref="WaitForAsync{T}(Task{T}, TimeSpan?, TimeProvider?, CancellationToken)" path="/summary|/remarks|/exception|/seealso"/>
    /// <example><code>await AsyncIO.WaitForAsync(saveTask, TimeSpan.FromSeconds(10));</code></example>
    /// <param name="task">The running task.</param>
    /// <param name="timeout">The time limit; <see langword="null"/> or <see cref="Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <param name="timeProvider">The clock; by default the current loop's, else the system's.</param>
    /// <param name="cancellationToken">Stops waiting (the task is not cancelled).</param>
    /// <returns>A task that completes when <paramref name="task"/> has.</returns>
    public static Task WaitForAsync(Task task, TimeSpan? timeout, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (task.IsCompleted)
        {
            return task;
        }

        if (IsNonPositive(timeout))
        {
            return Task.FromException(new TimeoutException(WaitForMessage));
        }

        return WaitForTaskAsync<bool>(task, timeout, LoopAware.ResolveTime(timeProvider, "AsyncIO.WaitForAsync"), cancellationToken);
    }

    private const string WaitForMessage = "The operation did not finish within its time limit.";

    private static async Task<T> TimeOutAfterOneTurnAsync<T>(TimeoutException timeout)
    {
        await SleepAsync(TimeSpan.Zero).ConfigureAwait(LoopAware.OnLoop);
        throw timeout;
    }

    private static bool IsNonPositive(TimeSpan? timeout) =>
        timeout is { } span && span != Timeout.InfiniteTimeSpan && span <= TimeSpan.Zero;

    /// <summary>Mirrors a hot task until it finishes, the caller cancels, or the deadline passes: whichever is decided first
    /// wins, and a deadline due in the same instant as the task's completion runs first (asyncio's order).</summary>
    private static Task<T> WaitForTaskAsync<T>(Task task, TimeSpan? timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var mirror = new ShieldSource<T>();
        if (!LoopDeadline.IsInfinite(timeout))
        {
            mirror.ExpireAfter(time, timeout!.Value, WaitForMessage); // any finite limit, on any clock
        }

        mirror.Start(task, cancellationToken);
        return mirror.Task;
    }

}
