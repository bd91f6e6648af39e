namespace AsyncNotes;

/// <summary>What <see cref="AsyncIO.WaitAsync{TTask}(IEnumerable{TTask}, ReturnWhen, TimeSpan?, TimeProvider?, CancellationToken)"/>
/// returns: the tasks that had finished when it returned, and those that had not.</summary>
/// <remarks>
/// <para>Maps the <c>(done, pending)</c> pair of sets that <c>asyncio.wait</c> returns. The Python line it replaces:</para>
/// <code>done, pending = await asyncio.wait(tasks, timeout=5)</code>
/// <para>Deconstruct it the same way: <c>var (done, pending) = await AsyncIO.WaitAsync(tasks, timeout: TimeSpan.FromSeconds(5));</c>.
/// The sets hold the very task instances passed in, compare by reference, and enumerate in input order (first occurrence),
/// where asyncio's sets have no order. <c>Task.WhenAny</c>, the nearest BCL method, returns one task, not two sets.</para>
/// </remarks>
/// <typeparam name="TTask">The type of the tasks.</typeparam>
public sealed class WaitResult<TTask>
    where TTask : Task
{
    internal WaitResult(IReadOnlySet<TTask> done, IReadOnlySet<TTask> pending)
    {
        Done = done;
        Pending = pending;
    }

    /// <summary>Gets the tasks that had finished (run to completion, faulted or been cancelled) when the wait returned.</summary>
    public IReadOnlySet<TTask> Done { get; }

    /// <summary>Gets the tasks that were still running when the wait returned. They were not cancelled and keep running.</summary>
    public IReadOnlySet<TTask> Pending { get; }

    /// <summary>Splits the result into its two sets: <c>var (done, pending) = await AsyncIO.WaitAsync(tasks);</c>.</summary>
    /// <param name="done">Receives <see cref="Done"/>.</param>
    /// <param name="pending">Receives <see cref="Pending"/>.</param>
    public void Deconstruct(out IReadOnlySet<TTask> done, out IReadOnlySet<TTask> pending)
    {
        done = Done;
        pending = Pending;
    }

    /// <summary>Returns a short description, such as <c>done: 2, pending: 1</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => $"done: {Done.Count}, pending: {Pending.Count}";

    /// <summary>Splits <paramref name="tasks"/> by whether each has finished right now.</summary>
    internal static WaitResult<TTask> Snapshot(TTask[] tasks)
    {
        var done = new TaskSet<TTask>(tasks.Length);
        var pending = new TaskSet<TTask>(tasks.Length);
        foreach (TTask task in tasks)
        {
            (task.IsCompleted ? done : pending).Add(task);
        }

        return new WaitResult<TTask>(done, pending);
    }
}
