namespace AsyncNotes;

public static partial class AsyncIO
{
    /// <summary>Raised when a task handed to <see cref="TaskForgetExtensions.Forget(Task, string?)"/> off an event loop fails.</summary>
    /// <remarks>
    /// <para>The off-loop counterpart of asyncio's <c>loop.set_exception_handler</c> for forgotten tasks. The Python line it replaces:</para>
    /// <code>loop.set_exception_handler(lambda loop, ctx: log.error(ctx["message"], exc_info=ctx.get("exception")))</code>
    /// <para>Differs from <see cref="TaskScheduler.UnobservedTaskException"/>: it is raised when the task fails, not when the
    /// garbage collector finalises the task, which may be never. It is raised on the thread that completed the task; with no
    /// handler attached, the failure is written to <see cref="System.Diagnostics.Trace"/>.</para>
    /// <para>On a loop, forgotten tasks report to <see cref="EventLoopOptions.ExceptionHandler"/> instead.</para>
    /// </remarks>
    public static event EventHandler<ForgottenTaskFailedEventArgs>? ForgottenTaskFailed;

    internal static void RaiseForgottenTaskFailed(Exception exception, string? taskName)
    {
        EventHandler<ForgottenTaskFailedEventArgs>? handler = ForgottenTaskFailed;
        if (handler is null)
        {
            System.Diagnostics.Trace.TraceError($"AsyncNotes: forgotten task {taskName ?? "(unnamed)"} failed: {exception}");
            return;
        }

        handler(null, new ForgottenTaskFailedEventArgs(exception, taskName));
    }
}
