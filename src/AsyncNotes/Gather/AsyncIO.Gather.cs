namespace AsyncNotes;

public static partial class AsyncIO
{
    /// <summary>Waits for every task and returns their results in input order; the first failure is thrown at once.</summary>
    /// <remarks>
    /// <para>Maps <c>asyncio.gather</c> of awaitables that are already running. The Python line it replaces:</para>
    /// <code>a, b, c = await asyncio.gather(task_a, task_b, task_c)</code>
    /// <para>Differs from <see cref="Task.WhenAll{TResult}(IEnumerable{Task{TResult}})"/>:</para>
    /// <list type="bullet">
    ///   <item>The first child to fail fails the gather at that instant, with that very exception object (not wrapped);
    ///   <c>Task.WhenAll</c> waits for every child before it faults.</item>
    ///   <item>A child that ends cancelled makes the gather end cancelled at that instant.</item>
    ///   <item>Every child is observed to the end: a child that fails after the gather has already failed never reaches
    ///   <see cref="TaskScheduler.UnobservedTaskException"/> (asyncio marks such exceptions retrieved).</item>
    /// </list>
    /// <para>Rules:</para>
    /// <list type="bullet">
    ///   <item>Results come back in input order, whatever order the tasks finish in; the gather stays pending while any is pending.</item>
    ///   <item>The other tasks are neither awaited nor cancelled after the first failure; they keep running.</item>
    ///   <item><paramref name="cancellationToken"/> stops only the waiting: the gather ends cancelled at once, and the tasks,
    ///   which are not the gather's, keep running (.NET cannot cancel a task from outside). asyncio's gather cancels its
    ///   children too; to get that, use the overload that takes <c>Func&lt;CancellationToken, Task&lt;T&gt;&gt;</c>.</item>
    ///   <item>No tasks: a completed, empty array (asyncio's <c>gather()</c> returns <c>[]</c>). The input is read once, at the call.</item>
    ///   <item>Off a loop it works the same, on the thread pool.</item>
    /// </list>
    /// </remarks>
    /// <example><code>string[] pages = await AsyncIO.GatherAsync(tasks, cancellationToken);</code></example>
    /// <typeparam name="T">The type of the results.</typeparam>
    /// <param name="tasks">The tasks, already started.</param>
    /// <param name="cancellationToken">Stops the waiting (not the tasks).</param>
    /// <returns>The results, in input order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tasks"/> or one of its elements is <see langword="null"/>.</exception>
    /// <exception cref="OperationCanceledException">A task was cancelled (the gather then fails with that exception and is not itself <see cref="Task.IsCanceled"/>, as asyncio's gather sets <c>CancelledError</c> as its exception), or <paramref name="cancellationToken"/> was (the gather is cancelled).</exception>
    /// <seealso href="https://docs.python.org/3/library/asyncio-task.html#asyncio.gather">asyncio.gather</seealso>
    public static Task<T[]> GatherAsync<T>(IEnumerable<Task<T>> tasks, CancellationToken cancellationToken = default) =>
        GatherOperation<T>.GatherValuesAsync(CheckTasks(tasks), cancellationToken);

    /// <summary>Waits for every task and returns their results in argument order; the first failure is thrown at once.</summary>
    /// <remarks>
    /// <para>Maps <c>asyncio.gather(*aws)</c>. The Python line it replaces:</para>
    /// <code>a, b, c = await asyncio.gather(task_a, task_b, task_c)</code>
    /// <para>The same as <see cref="GatherAsync{T}(IEnumerable{Task{T}}, CancellationToken)"/>, without a token; differs
    /// from <c>Task.WhenAll(a, b, c)</c> as that overload does.</para>
    /// </remarks>
    /// <example><code>int[] sizes = await AsyncIO.GatherAsync(SizeAsync("a"), SizeAsync("b"), SizeAsync("c"));</code></example>
    /// <typeparam name="T">The type of the results.</typeparam>
    /// <param name="tasks">The tasks, already started.</param>
    /// <returns>The results, in argument order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tasks"/> or one of its elements is <see langword="null"/>.</exception>
    /// <exception cref="OperationCanceledException">A task was cancelled.</exception>
    public static Task<T[]> GatherAsync<T>(params Task<T>[] tasks) => GatherAsync((IEnumerable<Task<T>>)tasks, CancellationToken.None);

    /// <summary>Waits for every task and returns an <see cref="Outcome{T}"/> per task, in input order.</summary>
    /// <remarks>
    /// <para>Maps <c>asyncio.gather(..., return_exceptions=...)</c>. The Python line it replaces:</para>
    /// <code>results = await asyncio.gather(*tasks, return_exceptions=True)</code>
    /// <para>C# cannot change a return type by a flag's value, so this overload always returns outcomes, and
    /// <paramref name="returnExceptions"/> (required) says what a failure does. Differs from <c>Task.WhenAll</c>, which has
    /// no such mode (one reaches for <c>await Task.WhenAll(...)</c> in a try block and then reads each task's status).</para>
    /// <para>Rules:</para>
    /// <list type="bullet">
    ///   <item><paramref name="returnExceptions"/> <see langword="true"/>: the gather waits for every task and never throws for
    ///   a task's failure or cancellation: a failure is <see cref="Outcome{T}.IsFaulted"/> holding that very exception, a
    ///   cancellation <see cref="Outcome{T}.IsCanceled"/> holding an <see cref="OperationCanceledException"/>.</item>
    ///   <item><paramref name="returnExceptions"/> <see langword="false"/>: as <see cref="GatherAsync{T}(IEnumerable{Task{T}}, CancellationToken)"/>
    ///   (the first failure is thrown at once); otherwise every outcome is a success.</item>
    ///   <item>Cancelling <paramref name="cancellationToken"/> throws <see cref="OperationCanceledException"/> even with
    ///   <paramref name="returnExceptions"/> <see langword="true"/>: it is the gather that is cancelled, not a child.</item>
    /// </list>
    /// </remarks>
    /// <example><code>Outcome&lt;string&gt;[] outcomes = await AsyncIO.GatherAsync(tasks, returnExceptions: true);</code></example>
    /// <typeparam name="T">The type of the results.</typeparam>
    /// <param name="tasks">The tasks, already started.</param>
    /// <param name="returnExceptions">Whether failures and cancellations become outcomes instead of being thrown.</param>
    /// <param name="cancellationToken">Stops the waiting (not the tasks).</param>
    /// <returns>An outcome per task, in input order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tasks"/> or one of its elements is <see langword="null"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled, or (without
    /// <paramref name="returnExceptions"/>) a task was.</exception>
    public static Task<Outcome<T>[]> GatherAsync<T>(IEnumerable<Task<T>> tasks, bool returnExceptions, CancellationToken cancellationToken = default) =>
        GatherOperation<T>.GatherAsync(CheckTasks(tasks), returnExceptions, cancellationToken);

    /// <summary>Starts every piece of work, at most <paramref name="maxConcurrency"/> at a time, and returns their results in
    /// input order; the first failure is thrown at once. The gather owns the children's tokens.</summary>
    /// <remarks>
    /// <para>Maps <c>asyncio.gather</c> of coroutines, which wraps each in a task that the gather then owns. The Python line it replaces:</para>
    /// <code>pages = await asyncio.gather(*(fetch(url) for url in urls))</code>
    /// <para>Differs from <c>Task.WhenAll(urls.Select(url => FetchAsync(url, ct)))</c>:</para>
    /// <list type="bullet">
    ///   <item>The first child to fail fails the gather at that instant, with that very exception object (not wrapped);
    ///   <c>Task.WhenAll</c> waits for every child.</item>
    ///   <item>Each child gets a token of the gather's own, linked to <paramref name="cancellationToken"/>: cancelling the
    ///   caller cancels every unfinished child, as cancelling an asyncio gather does. <c>Task.WhenAll</c> cannot cancel its inputs.</item>
    ///   <item><paramref name="maxConcurrency"/> bounds the fan-out, as a semaphore around each child would in asyncio;
    ///   <c>Task.WhenAll</c> has no limit (<c>Parallel.ForEachAsync</c> has, but no results and no input order).</item>
    /// </list>
    /// <para>Rules:</para>
    /// <list type="bullet">
    ///   <item>The delegates are invoked inside this call, in input order (hot, as calling an async method in C#), each with
    ///   the gather's token; with <paramref name="maxConcurrency"/>, the rest each start, in input order, when a running child finishes.
    ///   For asyncio's lazy start wrap a delegate in <see cref="CreateTask{T}(Func{CancellationToken, Task{T}}, string?, CancellationToken)"/>.</item>
    ///   <item>Never more than <paramref name="maxConcurrency"/> children run at once (<see langword="null"/>: no limit).</item>
    ///   <item>Results come back in input order; the gather stays pending while any child is pending.</item>
    ///   <item>After the first failure, running siblings are not cancelled (asyncio's rule): they keep running, and their
    ///   later failures are observed, never reported as unobserved. Children not yet started never start. A sibling still
    ///   running is cancelled later if <paramref name="cancellationToken"/> is, or if the loop's run ends.</item>
    ///   <item>Cancelling <paramref name="cancellationToken"/> cancels every unfinished child's token; the gather then waits
    ///   for the started children to finish and throws <see cref="OperationCanceledException"/> (a child that ignores its
    ///   token delays that, as a task that swallows <c>CancelledError</c> does in asyncio). A child that fails with another
    ///   exception meanwhile (its cleanup throws) makes the gather throw that exception instead, as asyncio's does.</item>
    ///   <item>A token already cancelled at the call: no delegate runs and the gather is cancelled.</item>
    ///   <item>A delegate that throws instead of returning a task counts as that child failing (or being cancelled, for an
    ///   <see cref="OperationCanceledException"/>), as in an async method.</item>
    ///   <item>On a loop the children are one task the loop knows of (named <c>GatherAsync</c> in a deadlock report);
    ///   if the run ends while some still run, they are cancelled and awaited, as <c>asyncio.run</c> does.</item>
    /// </list>
    /// </remarks>
    /// <example><code>
    /// Func&lt;CancellationToken, Task&lt;string&gt;&gt;[] work = [.. urls.Select(url =&gt; (Func&lt;CancellationToken, Task&lt;string&gt;&gt;)(ct =&gt; FetchAsync(url, ct)))];
    /// string[] pages = await AsyncIO.GatherAsync(work, maxConcurrency: 10, cancellationToken);
    /// </code></example>
    /// <typeparam name="T">The type of the results.</typeparam>
    /// <param name="work">The children, each given the gather's token.</param>
    /// <param name="maxConcurrency">The most children running at once; <see langword="null"/> for no limit.</param>
    /// <param name="cancellationToken">Cancels the gather and every unfinished child.</param>
    /// <returns>The results, in input order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="work"/> or one of its elements is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxConcurrency"/> is less than 1.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled, or a child was.</exception>
    public static Task<T[]> GatherAsync<T>(IEnumerable<Func<CancellationToken, Task<T>>> work, int? maxConcurrency = null, CancellationToken cancellationToken = default)
    {
        Func<CancellationToken, Task<T>>[] children = CheckWork(work, maxConcurrency);
        return GatherOperation<T>.GatherValuesAsync(children, maxConcurrency ?? int.MaxValue, cancellationToken);
    }

    /// <summary>Starts every piece of work, at most <paramref name="maxConcurrency"/> at a time, and returns an
    /// <see cref="Outcome{T}"/> per child in input order. The gather owns the children's tokens.</summary>
    /// <remarks>
    /// <para>Maps <c>asyncio.gather(*coros, return_exceptions=...)</c>. The Python line it replaces:</para>
    /// <code>results = await asyncio.gather(*(fetch(url) for url in urls), return_exceptions=True)</code>
    /// <para>As <see cref="GatherAsync{T}(IEnumerable{Func{CancellationToken, Task{T}}}, int?, CancellationToken)"/>, with
    /// outcomes instead of values; differs from <c>Task.WhenAll</c> as that overload does, and has no BCL counterpart.</para>
    /// <para>Rules:</para>
    /// <list type="bullet">
    ///   <item><paramref name="returnExceptions"/> <see langword="true"/>: every child is started and awaited; a failure or a
    ///   cancellation becomes that child's outcome and nothing is thrown for it.</item>
    ///   <item><paramref name="returnExceptions"/> <see langword="false"/>: the first failure is thrown at once, as by the other overload.</item>
    ///   <item>Cancelling <paramref name="cancellationToken"/> cancels every unfinished child and, once the started children
    ///   have finished, throws <see cref="OperationCanceledException"/>, even with <paramref name="returnExceptions"/>
    ///   <see langword="true"/> (asyncio raises <c>CancelledError</c> in the awaiting task rather than returning a list).</item>
    /// </list>
    /// </remarks>
    /// <example><code>Outcome&lt;string&gt;[] outcomes = await AsyncIO.GatherAsync(work, returnExceptions: true, maxConcurrency: 10, cancellationToken);</code></example>
    /// <typeparam name="T">The type of the results.</typeparam>
    /// <param name="work">The children, each given the gather's token.</param>
    /// <param name="returnExceptions">Whether failures and cancellations become outcomes instead of being thrown.</param>
    /// <param name="maxConcurrency">The most children running at once; <see langword="null"/> for no limit.</param>
    /// <param name="cancellationToken">Cancels the gather and every unfinished child.</param>
    /// <returns>An outcome per child, in input order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="work"/> or one of its elements is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxConcurrency"/> is less than 1.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled, or (without
    /// <paramref name="returnExceptions"/>) a child was.</exception>
    public static Task<Outcome<T>[]> GatherAsync<T>(IEnumerable<Func<CancellationToken, Task<T>>> work, bool returnExceptions, int? maxConcurrency = null, CancellationToken cancellationToken = default)
    {
        Func<CancellationToken, Task<T>>[] children = CheckWork(work, maxConcurrency);
        return GatherOperation<T>.GatherAsync(children, returnExceptions, maxConcurrency ?? int.MaxValue, cancellationToken);
    }

    /// <summary>Waits for every task; the first failure is thrown at once.</summary>
    /// <remarks>
    /// <para>Maps <c>asyncio.gather</c> of awaitables whose results are not needed. The Python line it replaces:</para>
    /// <code>await asyncio.gather(save(a), save(b))</code>
    /// <para>As <see cref="GatherAsync{T}(IEnumerable{Task{T}}, CancellationToken)"/> without results (so the tasks may have
    /// different result types); differs from <see cref="Task.WhenAll(IEnumerable{Task})"/> as that overload does.</para>
    /// </remarks>
    /// <example><code>await AsyncIO.GatherAsync([SaveAsync(a), SaveAsync(b)], cancellationToken);</code></example>
    /// <param name="tasks">The tasks, already started.</param>
    /// <param name="cancellationToken">Stops the waiting (not the tasks).</param>
    /// <returns>A task that completes when every task has.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tasks"/> or one of its elements is <see langword="null"/>.</exception>
    /// <exception cref="OperationCanceledException">A task was cancelled (the gather then fails with that exception and is not itself <see cref="Task.IsCanceled"/>, as asyncio's gather sets <c>CancelledError</c> as its exception), or <paramref name="cancellationToken"/> was (the gather is cancelled).</exception>
    public static Task GatherAsync(IEnumerable<Task> tasks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        Task<bool>[] children = [.. tasks.Select(task => task is null ? throw new ArgumentNullException(nameof(tasks), "The tasks include null.") : WorkWithoutResult.TrueWhenDoneAsync(task))];
        return GatherOperation<bool>.GatherAsync(children, returnExceptions: false, cancellationToken);
    }

    /// <summary>Waits for every task; the first failure is thrown at once.</summary>
    /// <remarks>
    /// <para>Maps <c>asyncio.gather(*aws)</c>. The Python line it replaces:</para>
    /// <code>await asyncio.gather(save(a), save(b))</code>
    /// <para>As <see cref="GatherAsync(IEnumerable{Task}, CancellationToken)"/> without a token.</para>
    /// </remarks>
    /// <example><code>await AsyncIO.GatherAsync(SaveAsync(a), SaveAsync(b));</code></example>
    /// <param name="tasks">The tasks, already started.</param>
    /// <returns>A task that completes when every task has.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tasks"/> or one of its elements is <see langword="null"/>.</exception>
    /// <exception cref="OperationCanceledException">A task was cancelled.</exception>
    public static Task GatherAsync(params Task[] tasks) => GatherAsync((IEnumerable<Task>)tasks, CancellationToken.None);

    /// <summary>Starts every piece of work, at most <paramref name="maxConcurrency"/> at a time, and waits for all; the first
    /// failure is thrown at once. The gather owns the children's tokens.</summary>
    /// <remarks>
    /// <para>Maps <c>asyncio.gather</c> of coroutines whose results are not needed. The Python line it replaces:</para>
    /// <code>await asyncio.gather(*(save(item) for item in items))</code>
    /// <para>As <see cref="GatherAsync{T}(IEnumerable{Func{CancellationToken, Task{T}}}, int?, CancellationToken)"/> without
    /// results; differs from <c>Task.WhenAll</c> as that overload does.</para>
    /// </remarks>
    /// <example><code>await AsyncIO.GatherAsync(items.Select(SaveWork), maxConcurrency: 4, cancellationToken);</code></example>
    /// <param name="work">The children, each given the gather's token.</param>
    /// <param name="maxConcurrency">The most children running at once; <see langword="null"/> for no limit.</param>
    /// <param name="cancellationToken">Cancels the gather and every unfinished child.</param>
    /// <returns>A task that completes when every child has.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="work"/> or one of its elements is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxConcurrency"/> is less than 1.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled, or a child was.</exception>
    public static Task GatherAsync(IEnumerable<Func<CancellationToken, Task>> work, int? maxConcurrency = null, CancellationToken cancellationToken = default)
    {
        Func<CancellationToken, Task>[] children = CheckWork(work, maxConcurrency);
        Func<CancellationToken, Task<bool>>[] wrapped = [.. children.Select(WorkWithoutResult.ReturningTrue)];
        return GatherOperation<bool>.GatherAsync(wrapped, returnExceptions: false, maxConcurrency ?? int.MaxValue, cancellationToken);
    }

    private static Task<T>[] CheckTasks<T>(IEnumerable<Task<T>> tasks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        Task<T>[] array = [.. tasks];
        if (Array.IndexOf(array, null) >= 0)
        {
            throw new ArgumentNullException(nameof(tasks), "The tasks include null.");
        }

        return array;
    }

    private static TWork[] CheckWork<TWork>(IEnumerable<TWork> work, int? maxConcurrency)
        where TWork : Delegate
    {
        ArgumentNullException.ThrowIfNull(work);
        if (maxConcurrency is { } limit)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1, nameof(maxConcurrency));
        }

        TWork[] array = [.. work];
        if (Array.IndexOf(array, null) >= 0)
        {
            throw new ArgumentNullException(nameof(work), "The work includes null.");
        }

        return array;
    }
}
