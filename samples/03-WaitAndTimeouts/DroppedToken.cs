namespace AsyncNotes.Samples.WaitAndTimeouts;

/// <summary>Trap <c>dropped-token</c>: work that does not pass its token on, under <c>WaitForAsync</c>. asyncio cancels a
/// coroutine at whatever await it is stopped in; .NET cancellation is cooperative: the token is cancelled at the deadline,
/// and if nothing reads it, the work runs to its end and <c>WaitForAsync</c> returns late with its result. Measured on the
/// loop's virtual clock.</summary>
internal static class DroppedToken
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(1);

    public static void Run(PartLog log)
    {
        log.Part("dropped-token: work that drops its token, under WaitForAsync(1 s)");
        AsyncIO.Run(
            async () =>
            {
                // BAD: the lambda is given the token and drops it; the report sleeps its 5 s regardless.
#pragma warning disable CA2016 // the trap, on purpose: the token is not passed on
                string report = await AsyncIO.WaitForAsync(ct => ReportAsync(), Limit);
#pragma warning restore CA2016
                log.Print($"bad: WaitForAsync(ct => ReportAsync(), 1 s) returned \"{report}\", 4 s late: the token was cancelled at t=1s and nothing read it");
            },
            EventLoopOptions.Virtual);
        AsyncIO.Run(
            async () =>
            {
                // GOOD: the token goes all the way down, to the await that waits.
                try
                {
                    await AsyncIO.WaitForAsync(ct => ReportAsync(ct), Limit);
                }
                catch (TimeoutException)
                {
                    log.Print("good: WaitForAsync(ct => ReportAsync(ct), 1 s) threw TimeoutException on time");
                }
            },
            EventLoopOptions.Virtual);
        log.Write("caught by: CA2016 (forward the token) where the callee takes one, as here; nothing where it takes none");
    }

    // Five seconds of "I/O" that can be cancelled, if someone passes the token.
    private static async Task<string> ReportAsync(CancellationToken cancellationToken = default)
    {
        await AsyncIO.SleepAsync(TimeSpan.FromSeconds(5), cancellationToken);
        return "report";
    }
}
