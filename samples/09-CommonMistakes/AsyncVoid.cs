namespace AsyncNotes.Samples.CommonMistakes;

/// <summary>.NET's own mistake 7, <c>async void</c>: the caller gets no task, so it can neither await the method nor catch
/// its exception. On AsyncNotes' loop the exception goes to the loop's exception handler; on the thread pool it would end
/// the process.</summary>
internal static class AsyncVoid
{
    public static void Run(PartLog log)
    {
        var handled = new List<string>();
        var options = EventLoopOptions.Virtual with
        {
            ExceptionHandler = context => handled.Add($"{context.Exception.GetType().Name} at t={EventLoop.Current!.Elapsed.TotalSeconds:0.###}s"),
        };
        AsyncIO.Run(() => PartAsync(log, handled), options);
    }

    private static async Task PartAsync(PartLog log, List<string> handled)
    {
        log.Part("7. async void (async-void)");

        // Wrong: nothing to await, so the try/catch around the call is over before the method fails.
        try
        {
            SaveAndForget();
            await AsyncIO.SleepAsync(TimeSpan.FromSeconds(1));
            log.Print("wrong: the caller's catch saw nothing");
        }
        catch (InvalidOperationException)
        {
            log.Print("wrong: the caller caught it");
        }

        log.Print($"       the loop's exception handler got it instead: {string.Join(", ", handled)}");

        // Fixed: async Task, awaited: the failure reaches the caller.
        try
        {
            await SaveAsync();
        }
        catch (InvalidOperationException failure)
        {
            log.Print($"fixed: the caller caught \"{failure.Message}\"");
        }

        log.Write("caught by: VSTHRD100 (async void methods), VSTHRD101 (async void lambdas)");
    }

#pragma warning disable VSTHRD100 // the mistake, on purpose: this part shows where its exception goes
    private static async void SaveAndForget() => await SaveAsync();
#pragma warning restore VSTHRD100

    private static async Task SaveAsync()
    {
        await AsyncIO.SleepAsync(TimeSpan.FromSeconds(0.5));
        throw new InvalidOperationException("disk full");
    }
}
