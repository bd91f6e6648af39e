namespace AsyncNotes;

public static partial class AsyncIO
{
    /// <summary>The loop task whose code is running now: asyncio's <c>current_task()</c>.</summary>
    /// <value>The task, with its name and the task that started it; <see langword="null"/> off a loop, and in loop code that
    /// belongs to no task (a callback posted from outside any task). A timer callback armed by a task runs in that task's
    /// execution context, so there it is that task (asyncio's <c>current_task()</c> is <c>None</c> in a <c>call_later</c>
    /// callback).</value>
    /// <remarks>
    /// <para>Maps <c>asyncio.current_task()</c>. The Python line it replaces:</para>
    /// <code>print(f"running in {asyncio.current_task().get_name()}")</code>
    /// <para>The rules:</para>
    /// <list type="bullet">
    ///   <item>A task is <c>main</c>, a task started by <see cref="CreateTask{T}(Func{CancellationToken, Task{T}}, string?, CancellationToken)"/>,
    ///   or a <see cref="TaskGroup"/> child; the value flows into every continuation of that task's code, as asyncio's
    ///   current task is the one whose step runs.</item>
    ///   <item>Code the task hands to the thread pool (<see cref="ToThreadAsync{T}(Func{T}, CancellationToken)"/>) is off the
    ///   loop: there it is <see langword="null"/>, as <c>current_task()</c> in a worker thread has no running loop.</item>
    /// </list>
    /// <para>Against the BCL: <see cref="Task.CurrentId"/> is <see langword="null"/> in an <c>async</c> method (it names only
    /// a task running as a delegate on a scheduler); .NET has no current-task object for async code.</para>
    /// </remarks>
    public static LoopTask? CurrentTask => EventLoop.Current is null ? null : EventLoop.CurrentTask;

    /// <summary>The current loop's tasks that have not finished, in the order they were started: asyncio's
    /// <c>all_tasks()</c>.</summary>
    /// <returns>A snapshot: <c>main</c>, the tasks of <see cref="CreateTask{T}(Func{CancellationToken, Task{T}}, string?, CancellationToken)"/>
    /// and the <see cref="TaskGroup"/> children that are still pending.</returns>
    /// <remarks>
    /// <para>Maps <c>asyncio.all_tasks()</c>. The Python line it replaces:</para>
    /// <code>pending = [t.get_name() for t in asyncio.all_tasks()]</code>
    /// <para>Work started any other way (a bare call to an async method, <c>Task.Run</c>) is not a loop task and is not
    /// listed, as a coroutine that is not wrapped in a task is not in asyncio's list.</para>
    /// </remarks>
    /// <exception cref="InvalidOperationException">Called off a loop (asyncio's <c>RuntimeError: no running event loop</c>).</exception>
    public static IReadOnlyList<LoopTask> AllTasks() =>
        (EventLoop.Current ?? throw new InvalidOperationException("AllTasks needs a running event loop: call it from code that AsyncIO.Run runs."))
            .AllTasks();

    /// <summary>Draws the current loop's pending tasks as a tree, each under the task that started it, the running one marked:
    /// the C# counterpart of asyncio 3.14's <c>format_call_graph()</c>.</summary>
    /// <returns>One line per task, for example <c>main (running)</c>, then <c>├── producer</c>, <c>└── consumer</c>.</returns>
    /// <remarks>
    /// <para>Maps <c>asyncio.format_call_graph()</c> and <c>print_call_graph()</c> (3.14). The Python line it replaces:</para>
    /// <code>asyncio.print_call_graph()</code>
    /// <para>How it differs by design: asyncio follows the chain of awaits from a task up through the tasks that await it.
    /// A .NET <c>await</c> leaves nothing that a library can read on the awaiting side, so the tree shows who started whom.
    /// In structured code (a <see cref="TaskGroup"/>) the starter is the one that awaits. Only loop tasks appear: the
    /// children of <see cref="GatherAsync{T}(IEnumerable{Task{T}}, CancellationToken)"/> run as part of its caller, where
    /// asyncio's gather wraps each in a task. Deeper than 32 levels, a line sums up what is below. The same tree ends the
    /// message of an <see cref="EventLoopDeadlockException"/>.</para>
    /// </remarks>
    /// <exception cref="InvalidOperationException">Called off a loop.</exception>
    public static string FormatCallGraph() => CallGraph.Format(AllTasks(), CurrentTask);

    /// <summary>Writes <see cref="FormatCallGraph"/> to <paramref name="output"/>: asyncio 3.14's <c>print_call_graph()</c>.</summary>
    /// <remarks>
    /// <para>Maps <c>asyncio.print_call_graph()</c> (3.14). The Python line it replaces:</para>
    /// <code>asyncio.print_call_graph(file=sys.stderr)</code>
    /// <para>The tree is of who started whom; see <see cref="FormatCallGraph"/> for why.</para>
    /// </remarks>
    /// <param name="output">Where to write; <see cref="Console.Out"/> when <see langword="null"/>.</param>
    /// <exception cref="InvalidOperationException">Called off a loop.</exception>
    public static void PrintCallGraph(TextWriter? output = null) => (output ?? Console.Out).WriteLine(FormatCallGraph());
}
