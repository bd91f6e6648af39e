namespace AsyncNotes.Samples.Gather;

/// <summary>Trap <c>cancel-async</c>: <see cref="CancellationTokenSource.CancelAsync"/> on a loop runs the token's
/// callbacks on the thread pool, off the loop's one thread, where code sees no loop at all. <c>Cancel()</c> runs them right
/// there, on the loop, in order, before the next line: asyncio's <c>task.cancel()</c> never runs them elsewhere either. On a
/// virtual loop the callbacks waiting for a pool thread are also invisible to the clock, which may jump ahead meanwhile.</summary>
internal static class CancelAsyncOnLoop
{
    public static void Run(PartLog log)
    {
        log.Part("cancel-async: CancelAsync on a loop (the analyzers' advice for async code)");
        Cancel(log, "bad: await cts.CancelAsync()", useCancelAsync: true);
        Cancel(log, "good: cts.Cancel()", useCancelAsync: false);
        log.Write("caught by: AN0007 (CancelAsync inside an AsyncIO.Run lambda); there the package's suppressor silences CA1849 and VSTHRD103 on Cancel()");
    }

    private static void Cancel(PartLog log, string label, bool useCancelAsync) => AsyncIO.Run(
        async () =>
        {
            int loopThread = Environment.CurrentManagedThreadId;
            string seen = "(not run)";
            using var cancellation = new CancellationTokenSource();

            // Any code registered on the token: a child's cleanup, a timer's disposal, a log line.
            await using CancellationTokenRegistration registration = cancellation.Token.Register(() =>
                seen = $"on the loop's thread: {Environment.CurrentManagedThreadId == loopThread}, sees a loop: {EventLoop.Current is not null}");
            Task<string[]> gather = AsyncIO.GatherAsync(
                [ct => AsyncIO.SleepAsync(TimeSpan.FromSeconds(10), "a", ct), ct => AsyncIO.SleepAsync(TimeSpan.FromSeconds(10), "b", ct)],
                cancellationToken: cancellation.Token);
            await AsyncIO.SleepAsync(TimeSpan.FromSeconds(1));

            if (useCancelAsync)
            {
#pragma warning disable AN0007 // the trap's point: the wrong call, on purpose, to measure where the callbacks run
                await cancellation.CancelAsync();
#pragma warning restore AN0007

                // When this line runs is the measurement: at 1 s, or at 10 s if the clock jumped to the children's timers
                // while the callbacks waited for a pool thread. How the gather ends depends on that race too: not printed.
                log.Print($"{label}: the token's callback ran {seen}");
                await AsyncIO.WaitAsync([gather], ReturnWhen.AllCompleted);
                return;
            }

            // Right on the loop: the callbacks run here, on the loop's thread. CA1849 and VSTHRD103 would ask for CancelAsync;
            // inside an AsyncIO.Run lambda the package's suppressor silences them (ANS0001, ANS0002).
            cancellation.Cancel();
            try
            {
                await gather;
                log.Print($"{label}: the token's callback ran {seen}; the gather: completed");
            }
            catch (OperationCanceledException)
            {
                log.Print($"{label}: the token's callback ran {seen}; the gather: cancelled");
            }
        },
        EventLoopOptions.Virtual);
}
