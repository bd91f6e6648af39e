namespace AsyncNotes;

/// <summary>How a child of a gather ended: with a value, with an exception, or cancelled.</summary>
/// <remarks>
/// <para>asyncio keeps the three apart on a finished task (<c>task.cancelled()</c>, <c>task.exception()</c>,
/// <c>task.result()</c>); with <c>return_exceptions=True</c> gather puts a value or an exception at each position. The Python
/// lines it replaces:</para>
/// <code>
/// if isinstance(result, asyncio.CancelledError): ...
/// elif isinstance(result, BaseException): ...
/// </code>
/// <para>Mirrors <see cref="TaskStatus.RanToCompletion"/>, <see cref="TaskStatus.Faulted"/> and <see cref="TaskStatus.Canceled"/>.</para>
/// </remarks>
public enum OutcomeStatus
{
    /// <summary>The child returned a value.</summary>
    Success = 1,

    /// <summary>The child failed with an exception.</summary>
    Faulted = 2,

    /// <summary>The child was cancelled (it ended with an <see cref="OperationCanceledException"/>).</summary>
    Canceled = 3,
}
