using AsyncNotes;

namespace AsyncNotes.Samples.Tasks;

/// <summary>Section 2 of the notes: <c>asyncio.create_task</c>, fire and forget.</summary>
public static class TasksSample
{
    /// <summary>Runs every part of the sample, writing to <paramref name="output"/>.</summary>
    public static void Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);

        // asyncio reports a fire-and-forget task's failure through the loop's exception handler
        // (loop.set_exception_handler); EventLoopOptions.ExceptionHandler is the same hook.
        EventLoopOptions options = EventLoopOptions.Virtual with
        {
            ExceptionHandler = context => Print(output, $"exception handler: {context.Message} ({context.Exception.Message})"),
        };
        AsyncIO.Run(() => MainAsync(output), options);
    }

    private static async Task<string> FetchAsync(TextWriter output, string url, CancellationToken cancellationToken)
    {
        Print(output, $"fetch({url}) starts");
        await AsyncIO.SleepAsync(TimeSpan.FromSeconds(1), cancellationToken);
        return $"data from {url}";
    }

    private static async Task MainAsync(TextWriter output)
    {
        // 1. The notes' example: two tasks scheduled "now", other work, then await each.
        await output.WriteLineAsync("1. create_task: scheduled now, started when main yields");
        Task<string> task1 = AsyncIO.CreateTask(ct => FetchAsync(output, "url1", ct), name: "fetch-1");
        Task<string> task2 = AsyncIO.CreateTask(ct => FetchAsync(output, "url2", ct), name: "fetch-2");
        Print(output, "two tasks created; neither has run a line yet");
        string result1 = await task1;
        string result2 = await task2;
        Print(output, $"{result1}, {result2} (both in 1s: they ran concurrently)");

        // 2. Calling an async method is not create_task: the body runs at once, inside the call.
        await output.WriteLineAsync();
        await output.WriteLineAsync("2. a plain call starts the task inside the call (C# tasks are hot)");
        Task<string> hot = FetchAsync(output, "url3", CancellationToken.None);
        Print(output, "the call returned");
        Print(output, await hot);

        // 3. Fire and forget: Forget() observes the task and reports its failure when it happens.
        await output.WriteLineAsync();
        await output.WriteLineAsync("3. fire and forget without losing the failure");
        SendMetricsAsync().Forget("metrics");
        Print(output, "metrics sent in the background; main goes on");
        await AsyncIO.SleepAsync(TimeSpan.FromSeconds(1));
        Print(output, "main slept 1s; the failure was reported when it happened, not at garbage collection");

        // 4. asyncio.run cancels the tasks still pending when main returns; so does AsyncIO.Run.
        await output.WriteLineAsync();
        await output.WriteLineAsync("4. tasks still pending when main ends are cancelled");
        AsyncIO.CreateTask(ct => HeartbeatAsync(output, ct), name: "heartbeat").Forget();
        await AsyncIO.SleepAsync(TimeSpan.FromSeconds(2.5));
        Print(output, "main returns");
    }

    private static async Task SendMetricsAsync()
    {
        await AsyncIO.SleepAsync(TimeSpan.FromSeconds(0.5));
        throw new InvalidOperationException("metrics endpoint refused the batch");
    }

    private static async Task HeartbeatAsync(TextWriter output, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await AsyncIO.SleepAsync(TimeSpan.FromSeconds(1), cancellationToken);
                Print(output, "heartbeat");
            }
        }
        catch (OperationCanceledException)
        {
            Print(output, "heartbeat cancelled by AsyncIO.Run at shutdown");
            throw;
        }
    }

    private static void Print(TextWriter output, string line) =>
        output.WriteLine($"   [t={EventLoop.Current!.Elapsed.TotalSeconds:0.0}s] {line}");
}
