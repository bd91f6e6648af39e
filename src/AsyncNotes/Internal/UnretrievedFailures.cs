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

    private sealed record Report(EventLoop Loop, EventLoopExceptionContext Context)
    {
        public void Deliver() => Loop.ReportException(Context);
    }
}
