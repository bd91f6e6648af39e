namespace AsyncNotes;

/// <summary>The failure of a task that was handed to <see cref="TaskForgetExtensions.Forget(Task, string?)"/> off an event loop.</summary>
/// <remarks>
/// <para>Maps the context asyncio logs as "Task exception was never retrieved". The Python line whose failure it reports:</para>
/// <code>asyncio.create_task(send_metrics())   # nobody awaits it</code>
/// </remarks>
/// <param name="exception">The failure.</param>
/// <param name="taskName">The name given to <c>Forget</c>, if any.</param>
public sealed class ForgottenTaskFailedEventArgs(Exception exception, string? taskName) : EventArgs
{
    /// <summary>Gets the failure: the task's exception, or an <see cref="AggregateException"/> when it had several.</summary>
    public Exception Exception { get; } = exception;

    /// <summary>Gets the name given to <c>Forget</c>, if any.</summary>
    public string? TaskName { get; } = taskName;
}
