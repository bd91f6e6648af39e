using System.Diagnostics.CodeAnalysis;

namespace AsyncNotes;

public static partial class AsyncIO
{
    /// <summary>Schedules <paramref name="work"/> to start at the current loop's next turn and keeps it referenced until it is done.</summary>
    /// <remarks>
    /// <para>Maps <c>asyncio.create_task</c>. The Python line it replaces:</para>
    /// <code>task = asyncio.create_task(fetch("url1"), name="fetch-1")</code>
    /// <para>Differs from calling an async method, which starts a hot task that runs synchronously up to its first incomplete await:</para>
    /// <list type="bullet">
    ///   <item>None of <paramref name="work"/> runs inside this call; it starts at the loop's next turn, behind every callback
    ///   that is already ready (asyncio's default, lazy start).</item>
    ///   <item>The loop knows the task: it is named in a deadlock report, and if it is still pending when <c>main</c> ends,
    ///   <see cref="Run{T}(Func{Task{T}}, EventLoopOptions?)"/> cancels its token and awaits it, as <c>asyncio.run</c> does.</item>
    ///   <item>The task owns its token: it combines <paramref name="cancellationToken"/> with the loop's shutdown.</item>
    /// </list>
    /// <para>Rules:</para>
    /// <list type="bullet">
    ///   <item>A task whose token is cancelled before it starts never runs <paramref name="work"/> and ends cancelled.</item>
    ///   <item>Off a loop, <paramref name="work"/> starts on the thread pool (C# has no "no running event loop" error to raise).</item>
    ///   <item>A failure that nobody retrieved by the end of the run (the task was never awaited, and nothing refers to it any
    ///   more) goes to <see cref="EventLoopOptions.ExceptionHandler"/>, or, without one, is thrown from
    ///   <see cref="Run{T}(Func{Task{T}}, EventLoopOptions?)"/>: asyncio's "Task exception was never retrieved". To find it,
    ///   the end of a run in which a task failed collects garbage once (unobserved task exceptions surface at collection).</item>
    /// </list>
    /// </remarks>
    /// <example><code>Task&lt;string&gt; page = AsyncIO.CreateTask(ct => FetchAsync("url1", ct), name: "fetch-1");</code></example>
    /// <typeparam name="T">The type of the result.</typeparam>
    /// <param name="work">The work, given the task's token.</param>
    /// <param name="name">The task's name (<c>Task-N</c> when <see langword="null"/>), shown in deadlock reports.</param>
    /// <param name="cancellationToken">Cancels the task.</param>
    /// <returns>The task.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="work"/> is <see langword="null"/>.</exception>
    /// <seealso href="https://docs.python.org/3/library/asyncio-task.html#asyncio.create_task">asyncio.create_task</seealso>
    [SuppressMessage("Usage", "VSTHRD200:Use \"Async\" suffix for async methods", Justification = "Like Task.Run, it starts a task rather than being an asynchronous operation; the name is asyncio's create_task.")]
    public static Task<T> CreateTask<T>(Func<CancellationToken, Task<T>> work, string? name = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        EventLoop? loop = EventLoop.CurrentFor("AsyncIO.CreateTask");
        if (loop is null)
        {
            return Task.Run(() => work(cancellationToken) ?? throw TaskOutcomes.NullTask("The work delegate"), cancellationToken);
        }

        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        CancellationToken token = cancellation.Token;
        var info = new LoopTask(name ?? loop.TakeTaskName(), EventLoop.CurrentTask);
        Task<T> task = loop.StartOnNextTurn(() =>
        {
            EventLoop.SetCurrentTask(info);
            token.ThrowIfCancellationRequested();
            return loop.NoteFailuresAsync(work(token) ?? throw TaskOutcomes.NullTask("The work delegate"), info.Name);
        });
        info.Task = task;
        loop.Register(task, info, cancellation);
        return task;
    }

    /// <inheritdoc cref="CreateTask{T}(Func{CancellationToken, Task{T}}, string?, CancellationToken)" path="/summary|/remarks|/exception|/seealso"/>
    /// <example><code>Task worker = AsyncIO.CreateTask(ct => ConsumeAsync(queue, ct), name: "worker");</code></example>
    /// <param name="work">The work, given the task's token.</param>
    /// <param name="name">The task's name (<c>Task-N</c> when <see langword="null"/>), shown in deadlock reports.</param>
    /// <param name="cancellationToken">Cancels the task.</param>
    /// <returns>The task.</returns>
    [SuppressMessage("Usage", "VSTHRD200:Use \"Async\" suffix for async methods", Justification = "Like Task.Run, it starts a task rather than being an asynchronous operation; the name is asyncio's create_task.")]
    public static Task CreateTask(Func<CancellationToken, Task> work, string? name = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        return CreateTask(WorkWithoutResult.ReturningTrue(work), name, cancellationToken);
    }
}
