namespace AsyncNotes;

/// <summary>When <see cref="AsyncIO.WaitAsync{TTask}(IEnumerable{TTask}, ReturnWhen, TimeSpan?, TimeProvider?, CancellationToken)"/> returns.</summary>
/// <remarks>
/// <para>Maps asyncio's <c>return_when</c> constants <c>ALL_COMPLETED</c>, <c>FIRST_COMPLETED</c> and <c>FIRST_EXCEPTION</c>.
/// The Python line it replaces:</para>
/// <code>done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)</code>
/// <para>The BCL has no such switch: <c>Task.WhenAll</c> is <see cref="AllCompleted"/> that throws, <c>Task.WhenAny</c> is
/// <see cref="FirstCompleted"/> that returns one task, and nothing is <see cref="FirstException"/>.</para>
/// </remarks>
public enum ReturnWhen
{
    /// <summary>Return when every task has finished (or the timeout passes): asyncio's <c>ALL_COMPLETED</c>, the default.</summary>
    AllCompleted,

    /// <summary>Return when any task finishes (or the timeout passes): asyncio's <c>FIRST_COMPLETED</c>.</summary>
    FirstCompleted,

    /// <summary>Return when any task faults, or when every task has finished (or the timeout passes): asyncio's
    /// <c>FIRST_EXCEPTION</c>. A cancelled task is not an exception.</summary>
    FirstException,
}
