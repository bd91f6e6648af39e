namespace AsyncNotes;

/// <summary>Where a failure that nobody will retrieve goes: the one route for asyncio's "exception was never retrieved".</summary>
internal static class UnretrievedFailures
{
    /// <summary>To <paramref name="loop"/>'s exception handler as a callback of its own (without a handler, the run stops with
    /// it); off a loop, or once the loop has closed, to <see cref="AsyncIO.ForgottenTaskFailed"/>.</summary>
    public static void ReportUnretrieved(this EventLoop? loop, string message, Exception failure, string? taskName = null)
    {
        var context = new EventLoopExceptionContext(message, failure, taskName);
        if (loop is not null && loop.TryPost(static s => ((Report)s!).Deliver(), new Report(loop, context)))
        {
            return;
        }

        AsyncIO.RaiseForgottenTaskFailed(failure, taskName);
    }

    /// <summary>Runs <paramref name="cancel"/> inside a caller's <c>Cancel()</c>; errors of token callbacks it sets off go to
    /// the loop's exception handler (asyncio runs no user code inside <c>cancel()</c>, so none can fail the caller there).
    /// Off a loop they are thrown, as from any <c>Cancel()</c>.</summary>
    public static void CancelReportingCallbackErrors(this EventLoop? loop, Action cancel)
    {
        try
        {
            cancel();
        }
        catch (AggregateException errors) when (loop is not null)
        {
            loop.ReportUnretrieved("A token callback threw while cancelling children.", errors);
        }
    }

    private sealed record Report(EventLoop Loop, EventLoopExceptionContext Context)
    {
        public void Deliver() => Loop.ReportException(Context);
    }
}
