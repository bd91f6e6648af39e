using System.Diagnostics.CodeAnalysis;

namespace AsyncNotes;

public static partial class AsyncIO
{
    /// <summary>Yields the tasks, the very same instances, in the order they finish.</summary>
    /// <remarks>
    /// <para>Maps <c>asyncio.as_completed</c> in its <c>async for</c> form (Python 3.13). The Python lines it replaces:</para>
    /// <code>
    /// async for task in asyncio.as_completed(tasks, timeout=5):
    ///     result = await task
    /// </code>
    /// <para>Differs from <c>Task.WhenEach</c> (.NET 9), which also yields tasks in completion order:</para>
    /// <list type="bullet">
    ///   <item><c>Task.WhenEach</c> has no timeout; here the enumeration throws <see cref="TimeoutException"/> at the deadline
    ///   (a token-based timeout would surface as <see cref="OperationCanceledException"/> instead).</item>
    ///   <item>On the loop, the order and instants are deterministic, and tasks finishing at the same instant are yielded in the
    ///   order they finished, without a detour through the thread pool.</item>
    ///   <item>Duplicates collapse here (each task is yielded once, as asyncio does); <c>Task.WhenEach</c> yields a duplicate
    ///   as often as it appears.</item>
    /// </list>
    /// <para>Rules:</para>
    /// <list type="bullet">
    ///   <item>Each input is yielded once, as the same <typeparamref name="TTask"/> instance, when it has finished; tasks that had
    ///   already finished when the enumeration starts come first, in input order. Await the yielded task to get its result or
    ///   exception; the enumeration itself never throws a task's exception.</item>
    ///   <item>The yielded items are <see cref="Task"/>s, so they may be awaited more than once and concurrently.</item>
    ///   <item>With <paramref name="timeout"/>, measured from this call: the tasks that finished before the deadline are
    ///   yielded, then <c>MoveNextAsync</c> throws <see cref="TimeoutException"/> at the deadline. A task finishing at the
    ///   deadline instant on the loop still counts as finished before it. Unfinished tasks are not cancelled.</item>
    ///   <item>The result is one object with state, as asyncio's iterator is: an enumeration that stops early (a <c>break</c>,
    ///   a cancellation) keeps its place, and the next enumeration of the same object continues where it stopped.</item>
    ///   <item>No timer and no continuation is left behind once every task has been yielded or the deadline has passed.</item>
    ///   <item><paramref name="cancellationToken"/> (or the one given to <c>WithCancellation</c>) makes <c>MoveNextAsync</c>
    ///   throw <see cref="OperationCanceledException"/>; the tasks are not cancelled.</item>
    ///   <item><paramref name="tasks"/> is enumerated exactly once, at the call, and validated there (not at the first
    ///   <c>MoveNextAsync</c>): <see langword="null"/> throws <see cref="ArgumentNullException"/>, a <see langword="null"/>
    ///   element <see cref="ArgumentException"/>. An empty collection yields nothing, even with a timeout, as asyncio's
    ///   <c>as_completed([])</c> and <c>Task.WhenEach</c> do (unlike <see cref="WaitAsync{TTask}"/>, which refuses it, as
    ///   <c>asyncio.wait</c> does).</item>
    /// </list>
    /// </remarks>
    /// <example><code>
    /// await foreach (Task&lt;string&gt; page in AsyncIO.AsCompleted(downloads, timeout: TimeSpan.FromSeconds(5)))
    ///     Console.WriteLine(await page);
    /// </code></example>
    /// <typeparam name="TTask">The type of the tasks (<see cref="Task"/> or a <see cref="Task{TResult}"/>).</typeparam>
    /// <param name="tasks">The tasks.</param>
    /// <param name="timeout">The deadline, from this call; <see langword="null"/> or <see cref="Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <param name="timeProvider">The clock for the timeout; by default the current loop's, else the system clock.</param>
    /// <param name="cancellationToken">Cancels the enumeration (not the tasks).</param>
    /// <returns>The tasks in the order they finish.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tasks"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="tasks"/> holds a <see langword="null"/>.</exception>
    /// <seealso href="https://docs.python.org/3/library/asyncio-task.html#asyncio.as_completed">asyncio.as_completed</seealso>
    [SuppressMessage("Usage", "VSTHRD200:Use \"Async\" suffix for async methods", Justification = "Returns IAsyncEnumerable, which is enumerated, not awaited; .NET names such methods without Async (Task.WhenEach, ReadAllAsync aside), as MAPPING.md fixes.")]
    public static IAsyncEnumerable<TTask> AsCompleted<TTask>(
        IEnumerable<TTask> tasks,
        TimeSpan? timeout = null,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
        where TTask : Task
    {
        TTask[] inputs = TaskSet<TTask>.DistinctInputs(tasks, nameof(tasks), allowEmpty: true);
        TimeProvider time = LoopAware.ResolveTime(timeProvider, "AsyncIO.AsCompleted");
        TimeSpan? limit = LoopDeadline.IsInfinite(timeout) ? null : timeout;
        return new AsCompletedSequence<TTask>(inputs, limit, time, cancellationToken);
    }
}
