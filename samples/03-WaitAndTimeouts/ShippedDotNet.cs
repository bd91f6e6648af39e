namespace AsyncNotes.Samples.WaitAndTimeouts;

/// <summary>Part 8: wait_for, a bare timeout and as_completed as a .NET program ships them, with the BCL only (the README's
/// third column). It runs on the sample's loop only so that its times are exact: every BCL call here takes the clock as a
/// <see cref="TimeProvider"/>, which an app injects as <see cref="TimeProvider.System"/>.</summary>
internal static class ShippedDotNet
{
    public static async Task RunAsync(PartLog log)
    {
        log.Part("8. the .NET you would ship: a timeout token, WaitAsync, Task.WhenEach");
        TimeProvider clock = EventLoop.Current!.Time; // in an app: TimeProvider.System, injected so that tests can fake it

        // wait_for: a token that cancels itself after 1 s, passed to the work. The work's own cancellation is what
        // surfaces: OperationCanceledException, told apart from the caller's by asking the timeout token.
        using (var timeout = new CancellationTokenSource(WaitAndTimeoutsSample.Seconds(1), clock))
        {
            try
            {
                await WaitAndTimeoutsSample.SlowReportAsync(log, timeout.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                log.Print("the timeout token cancelled the work: OperationCanceledException, after its cleanup");
            }
        }

        // WaitAsync(timeout): stops waiting and throws TimeoutException; the work is not cancelled and goes on (a shield).
        Task<string> save = WaitAndTimeoutsSample.JobAsync("saved", 2);
        try
        {
            await save.WaitAsync(WaitAndTimeoutsSample.Seconds(1), clock);
        }
        catch (TimeoutException)
        {
            log.Print("WaitAsync(1 s) gave up waiting: TimeoutException; the work goes on");
        }

        log.Print($"the work: {await save}");

        // as_completed: Task.WhenEach (.NET 9) yields the same tasks in the order they finish.
        await foreach (Task<string> finished in Task.WhenEach(
            WaitAndTimeoutsSample.JobAsync("c", 3), WaitAndTimeoutsSample.JobAsync("a", 1), WaitAndTimeoutsSample.JobAsync("b", 2)))
        {
            log.Print($"Task.WhenEach: {await finished}");
        }
    }
}
