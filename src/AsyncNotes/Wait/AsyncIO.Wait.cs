namespace AsyncNotes;

public static partial class AsyncIO
{
    /// <summary>Waits until the tasks satisfy <paramref name="returnWhen"/> or <paramref name="timeout"/> passes, then returns
    /// which tasks are done and which are pending; never throws the tasks' exceptions and never cancels them.</summary>
    /// <remarks>
    /// <para>Maps <c>asyncio.wait</c>. The Python line it replaces:</para>
    /// <code>done, pending = await asyncio.wait(tasks, timeout=5, return_when=asyncio.FIRST_COMPLETED)</code>
    /// <para>Differs from the BCL methods a reader would reach for:</para>
    /// <list type="bullet">
    ///   <item><c>await Task.WhenAll(tasks)</c> throws the first task's exception, and <c>Task.WhenAll(tasks).WaitAsync(timeout)</c>
    ///   throws <see cref="TimeoutException"/> at the deadline; this returns normally in both cases, with the sets.</item>
    ///   <item><c>Task.WhenAny</c> returns one task; this returns every task that is done, as a set, and the pending ones.</item>
    ///   <item>Neither BCL method can return at the first <em>exception</em> only (<see cref="ReturnWhen.FirstException"/>).</item>
    /// </list>
    /// <para>Rules:</para>
    /// <list type="bullet">
    ///   <item><see cref="ReturnWhen.AllCompleted"/> (the default) returns when every task has finished;
    ///   <see cref="ReturnWhen.FirstCompleted"/> when any has; <see cref="ReturnWhen.FirstException"/> when any task faults
    ///   (a cancelled task is not an exception) or when every task has finished.</item>
    ///   <item>The tasks' exceptions are never thrown: a faulted task is simply in <see cref="WaitResult{TTask}.Done"/>.</item>
    ///   <item>Nothing is ever cancelled: not at the timeout, and not when <paramref name="cancellationToken"/> fires (the wait
    ///   itself then throws <see cref="OperationCanceledException"/>, on the loop, and the tasks run on).</item>
    ///   <item>At the timeout the wait returns normally with the current state; it does not throw <see cref="TimeoutException"/>.</item>
    ///   <item>Everything finished at the moment of return is in <c>Done</c>, so several tasks can be done at once. On the loop the
    ///   wake-up (by a completion or by the deadline) is posted behind the callbacks already ready, so a task that finishes at the
    ///   same instant (another timer due then, including a task finishing exactly at the deadline) counts as done.</item>
    ///   <item>If the condition already holds at the call (e.g. every task has finished, or, for
    ///   <see cref="ReturnWhen.FirstException"/>, one has already faulted), the returned task is already complete: no time
    ///   passes and the loop is not yielded. asyncio always yields one loop turn here.</item>
    ///   <item><paramref name="timeout"/>: <see langword="null"/> or <see cref="Timeout.InfiniteTimeSpan"/> means no limit; zero
    ///   or negative means return after one loop turn with the current state (as asyncio accepts it).</item>
    ///   <item><paramref name="tasks"/> is enumerated exactly once, at the call; duplicates (by reference) collapse, as asyncio
    ///   treats its input as a set. The sets enumerate in input order (first occurrence) and compare by reference.</item>
    ///   <item>Empty <paramref name="tasks"/> or a <see langword="null"/> element: <see cref="ArgumentException"/>; an undefined
    ///   <paramref name="returnWhen"/>: <see cref="ArgumentOutOfRangeException"/>; both at the call.</item>
    /// </list>
    /// <para>Generic, so <c>Task&lt;int&gt;</c> inputs come back as <c>Task&lt;int&gt;</c>; for tasks of mixed result types pass a
    /// <c>Task[]</c> (then <typeparamref name="TTask"/> is <see cref="Task"/>).</para>
    /// </remarks>
    /// <example><code>
    /// var (done, pending) = await AsyncIO.WaitAsync(downloads, ReturnWhen.FirstCompleted, timeout: TimeSpan.FromSeconds(5));
    /// </code></example>
    /// <typeparam name="TTask">The type of the tasks (<see cref="Task"/> or a <see cref="Task{TResult}"/>).</typeparam>
    /// <param name="tasks">The tasks to wait for.</param>
    /// <param name="returnWhen">When to return.</param>
    /// <param name="timeout">The longest wait; <see langword="null"/> or <see cref="Timeout.InfiniteTimeSpan"/> for no limit.</param>
    /// <param name="timeProvider">The clock for the timeout; by default the current loop's, else the system clock.</param>
    /// <param name="cancellationToken">Cancels the wait (not the tasks).</param>
    /// <returns>The tasks done and pending at the moment the wait returned.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tasks"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="tasks"/> is empty or holds a <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="returnWhen"/> is not a defined value.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <seealso href="https://docs.python.org/3/library/asyncio-task.html#asyncio.wait">asyncio.wait</seealso>
    public static Task<WaitResult<TTask>> WaitAsync<TTask>(
        IEnumerable<TTask> tasks,
        ReturnWhen returnWhen = ReturnWhen.AllCompleted,
        TimeSpan? timeout = null,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
        where TTask : Task
    {
        if (!Enum.IsDefined(returnWhen))
        {
            throw new ArgumentOutOfRangeException(nameof(returnWhen), returnWhen, "Not a defined ReturnWhen value.");
        }

        TTask[] inputs = TaskSet<TTask>.DistinctInputs(tasks, nameof(tasks));
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<WaitResult<TTask>>(cancellationToken);
        }

        if (IsSatisfied(inputs, returnWhen))
        {
            return Task.FromResult(WaitResult<TTask>.Snapshot(inputs));
        }

        TimeSpan? limit = timeout == Timeout.InfiniteTimeSpan ? null : timeout;
        return limit <= TimeSpan.Zero
            ? WaitOneTurnAsync(inputs, cancellationToken)
            : WaitCoreAsync(inputs, returnWhen, limit, LoopAware.ResolveTime(timeProvider, "AsyncIO.WaitAsync"), cancellationToken);
    }

    private static bool IsSatisfied<TTask>(TTask[] tasks, ReturnWhen returnWhen)
        where TTask : Task => returnWhen switch
        {
            ReturnWhen.FirstCompleted => Array.Exists(tasks, t => t.IsCompleted),
            ReturnWhen.FirstException => Array.Exists(tasks, t => t.IsFaulted) || Array.TrueForAll(tasks, t => t.IsCompleted),
            _ => Array.TrueForAll(tasks, t => t.IsCompleted),
        };

    private static async Task<WaitResult<TTask>> WaitOneTurnAsync<TTask>(TTask[] tasks, CancellationToken cancellationToken)
        where TTask : Task
    {
        // Like asyncio's call_later(0): the wait returns after the callbacks that are already ready, with no time passing.
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        return WaitResult<TTask>.Snapshot(tasks);
    }

    private static async Task<WaitResult<TTask>> WaitCoreAsync<TTask>(
        TTask[] tasks, ReturnWhen returnWhen, TimeSpan? timeout, TimeProvider time, CancellationToken cancellationToken)
        where TTask : Task
    {
        using var completions = new CompletionQueue<TTask>();
        completions.Watch(tasks);
        if (timeout is { } limit)
        {
            completions.ExpireAfter(time, limit); // any finite limit, on any clock
        }

        int finished = 0;
        while (true)
        {
            while (completions.TryDequeue(out TTask task))
            {
                finished++;
                if (returnWhen == ReturnWhen.FirstCompleted || (returnWhen == ReturnWhen.FirstException && task.IsFaulted))
                {
                    return WaitResult<TTask>.Snapshot(tasks);
                }
            }

            if (finished == tasks.Length || completions.IsExpired)
            {
                return WaitResult<TTask>.Snapshot(tasks);
            }

            // ConfigureAwait(LoopAware.OnLoop): stay on the loop.
            await completions.WaitAsync(cancellationToken).ConfigureAwait(LoopAware.OnLoop);
        }
    }
}
