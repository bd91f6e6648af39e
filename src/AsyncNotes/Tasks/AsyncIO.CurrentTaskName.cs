namespace AsyncNotes;

public static partial class AsyncIO
{
    /// <summary>The name of the task whose code is running: <c>main</c>, a <see cref="CreateTask{T}(Func{CancellationToken, Task{T}}, string?, CancellationToken)"/>
    /// task, or a <see cref="TaskGroup"/> child; <see langword="null"/> outside any of them.</summary>
    /// <remarks>
    /// <para>Maps asyncio's <c>asyncio.current_task().get_name()</c>. The Python line it replaces:</para>
    /// <code>name = asyncio.current_task().get_name()</code>
    /// <list type="bullet">
    ///   <item>The name flows with the task's execution context, into every await of the task and into code it calls, on the
    ///   loop and off it (a group's children off a loop run on the thread pool and still see their names).</item>
    ///   <item>A task started by other means (<c>Task.Run</c>, a plain async method call) sees the name of the task that started
    ///   it, as an <see cref="AsyncLocal{T}"/> value does.</item>
    /// </list>
    /// <para>The BCL has no task names: <see cref="Task.CurrentId"/> is a number, and <see langword="null"/> inside an async
    /// method's continuation.</para>
    /// </remarks>
    public static string? CurrentTaskName => EventLoop.CurrentTaskName;
}
