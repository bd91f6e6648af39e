namespace AsyncNotes;

/// <summary>A task the loop knows of (<c>main</c>, one started with <see cref="AsyncIO.CreateTask{T}(Func{CancellationToken, Task{T}}, string?, CancellationToken)"/>,
/// or a <see cref="TaskGroup"/> child), with its name and the task that started it: what asyncio's <c>current_task()</c>
/// and <c>all_tasks()</c> return.</summary>
/// <remarks>
/// <para>Maps asyncio's <c>Task</c> objects as its introspection sees them. The Python lines it replaces:</para>
/// <code>
/// me = asyncio.current_task(); print(me.get_name())
/// for t in asyncio.all_tasks(): print(t.get_name(), t.done())
/// </code>
/// <para>Against the BCL: a <see cref="System.Threading.Tasks.Task"/> has an <see cref="Task.Id"/> but no name, no parent,
/// and no registry of the tasks that are alive; <see cref="Task.CurrentId"/> is the id of a task running as a delegate
/// on a scheduler, which an <c>async</c> method never is.</para>
/// </remarks>
public sealed class LoopTask
{
    private string? _name;
    private readonly int _number;

    internal LoopTask(string name, LoopTask? startedBy)
    {
        _name = name;
        StartedBy = startedBy;
    }

    /// <summary>A task named <c>child-N</c> when its name is first asked for (a TaskGroup child off a loop): most never are.</summary>
    internal LoopTask(int number, LoopTask? startedBy)
    {
        _number = number;
        StartedBy = startedBy;
    }

    /// <summary>The task's name: the one given, else <c>Task-N</c> as asyncio numbers them (<c>main</c> for the run's main);
    /// a TaskGroup child off a loop is <c>child-N</c>.</summary>
    public string Name => _name ??= $"child-{_number}"; // a race formats the same string twice, harmlessly

    /// <summary>The loop task whose code started this one while this one is pending; <see langword="null"/> for <c>main</c>,
    /// for a task started by code that belongs to no loop task, and once this task has finished (so that a chain of tasks,
    /// each starting the next, does not keep every finished one alive).</summary>
    public LoopTask? StartedBy { get; private set; }

    /// <summary>The task itself: await it, or read its status.</summary>
    public Task Task { get; internal set; } = Task.CompletedTask;

    /// <summary>Whether the task has finished (asyncio's <c>done()</c>).</summary>
    public bool IsDone => Task.IsCompleted;

    /// <summary>Called by the loop when the task has finished.</summary>
    internal void Finished() => StartedBy = null;

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({(IsDone ? Task.Status.ToString() : "pending")})";
}
