namespace AsyncNotes;

/// <summary>What a <see cref="TaskGroup"/> adds to asyncio's <c>TaskGroup</c>: a limit on running children, and the
/// supervisor policy.</summary>
/// <remarks>
/// <para>asyncio's <c>TaskGroup()</c> takes no options:</para>
/// <code>async with asyncio.TaskGroup() as tg:</code>
/// <para>so asyncio's behaviour is <see cref="Default"/>. The Python lines these replace
/// are the hand-made versions, a semaphore around each child and <c>return_exceptions</c>-style catching inside each child.</para>
/// </remarks>
public sealed class TaskGroupOptions
{
    private readonly int? _maxConcurrency;

    /// <summary>asyncio's behaviour: no limit, and the first failure cancels the rest.</summary>
    public static TaskGroupOptions Default { get; } = new();

    /// <summary>At most this many children run at once; the others wait for a slot, first come, first served, and a child
    /// cancelled while it waits never runs. <see langword="null"/> (the default) for no limit.</summary>
    /// <remarks>Unlike <c>Parallel.ForEachAsync</c>'s <c>MaxDegreeOfParallelism</c>, children can be added at any time (by the
    /// body or by other children), and each keeps its own task, name and token. A child that awaits a child it created holds
    /// its slot while it waits: once every slot is held that way, nothing can run (on a virtual loop, a deadlock report
    /// names them).</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    public int? MaxConcurrency
    {
        get => _maxConcurrency;
        init
        {
            if (value is { } limit)
            {
                ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1, nameof(MaxConcurrency));
            }

            _maxConcurrency = value;
        }
    }

    /// <summary>When <see langword="true"/>, a child's failure does not cancel its siblings or the body (Kotlin's
    /// <c>supervisorScope</c>); every failure is still collected and thrown together when the group ends. A failure of the
    /// body still cancels the children. <see langword="false"/> (the default) is asyncio's rule.</summary>
    public bool Supervisor { get; init; }
}
