using AsyncNotes;

namespace AsyncNotes.Samples.Gather;

/// <summary>Section 1 of the notes: concurrent I/O with <c>asyncio.gather</c>.</summary>
public static class GatherSample
{
    private static readonly string[] Urls = ["/users/1", "/users/2", "/users/3"];

    // The trap a reader runs with `dotnet run --project samples/01-Gather -- --try cancel-async`; the tour runs none.
    internal static readonly NamedParts Traps = new(("cancel-async", CancelAsyncOnLoop.Run));

    /// <summary>The traps' names, for <c>--try</c>.</summary>
    public static IReadOnlyList<string> TrapNames => Traps.Names;

    /// <summary>Runs the traps named in <paramref name="names"/>; <see langword="false"/>, running nothing, if a name is unknown.</summary>
    public static bool TryRunTraps(TextWriter output, IReadOnlyList<string> names) => Traps.TryRun(output, names);

    /// <summary>Runs every part of the sample, writing to <paramref name="output"/>.</summary>
    public static void Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);

        // Parts 1 to 5 run on the virtual clock: exact times, the same output on every run.
        AsyncIO.Run(() => OnTheVirtualClockAsync(output), EventLoopOptions.Virtual);

        // Parts 6 and 7 are real I/O on the real clock: HTTP against a server the sample starts on 127.0.0.1.
        AsyncIO.Run(() => OverHttpAsync(output));
    }

    // A 200 ms request, as in the notes' comments ("3 × 200ms = 600ms").
    private static async Task<string> FetchAsync(string url, CancellationToken cancellationToken = default)
    {
        await AsyncIO.SleepAsync(TimeSpan.FromMilliseconds(200), cancellationToken);
        return $"data from {url}";
    }

    private static async Task OnTheVirtualClockAsync(TextWriter output)
    {
        // 1. await one thing at a time = sequential; gather = concurrent.
        await output.WriteLineAsync("1. sequential awaits against one gather");
        var timeline = new Timeline();
        string[] results = await SequentialThenGatherAsync(timeline);
        Print(output, $"results in input order: {string.Join(", ", results)}");
        await output.WriteLineAsync(Indent(timeline.ToGantt(48)));

        // 2. The first failure propagates at once; Task.WhenAll waits for every child first.
        await output.WriteLineAsync();
        await output.WriteLineAsync("2. the first failure propagates at once (Task.WhenAll waits for all)");
        TimeSpan start = EventLoop.Current!.Elapsed;
        Task<string> slow = AsyncIO.SleepAsync(TimeSpan.FromSeconds(1), "slow");
        try
        {
            await AsyncIO.GatherAsync(FailAfterAsync(0.2), slow);
        }
        catch (InvalidOperationException failure)
        {
            Print(output, $"GatherAsync threw \"{failure.Message}\" after {Since(start)}; the slow child is still running: {!slow.IsCompleted}");
        }

        start = EventLoop.Current.Elapsed;
        try
        {
            await Task.WhenAll(FailAfterAsync(0.2), AsyncIO.SleepAsync(TimeSpan.FromSeconds(1), "slow"));
        }
        catch (InvalidOperationException failure)
        {
            Print(output, $"Task.WhenAll threw \"{failure.Message}\" only after {Since(start)}");
        }

        // 3. return_exceptions=True: one outcome per child, in input order, nothing thrown.
        await output.WriteLineAsync();
        await output.WriteLineAsync("3. returnExceptions: true gives an outcome per child");
        Outcome<string>[] outcomes = await AsyncIO.GatherAsync([FetchAsync("/users/1"), FailAfterAsync(0.1)], returnExceptions: true);
        foreach (Outcome<string> outcome in outcomes)
        {
            Print(output, outcome.ToString());
        }

        // 4. The notes' "gather with a Semaphore": never more than 3 requests at once.
        await output.WriteLineAsync();
        await output.WriteLineAsync("4. maxConcurrency: 10 requests, 3 at a time");
        // Plain ints shared by every child: safe here only because every child runs on the loop's one thread, between two
        // awaits, as in asyncio. Off the loop (the thread pool, a ConfigureAwait(false)) two children could run at once and
        // lose updates; sample 00's trap configure-await-false measures it. There: Interlocked.Increment, or a lock.
        int running = 0, highWater = 0;
        start = EventLoop.Current.Elapsed;

        // One delegate per request: GatherAsync starts each when a slot frees up, and owns its token.
        Func<CancellationToken, Task<string>> Counted(int user) => async ct =>
        {
            highWater = Math.Max(highWater, ++running);
            try
            {
                return await FetchAsync($"/users/{user}", ct);
            }
            finally
            {
                running--;
            }
        };

        string[] all = await AsyncIO.GatherAsync(Enumerable.Range(1, 10).Select(Counted), maxConcurrency: 3);
        Print(output, $"{all.Length} results in {Since(start)}, at most {highWater} running at once");

        // 5. Cancelling a gather cancels every child it started.
        await output.WriteLineAsync();
        await output.WriteLineAsync("5. cancelling the gather cancels its children");
        using var cancellation = new CancellationTokenSource();
        var cancelled = new List<string>();
        Func<CancellationToken, Task<string>> Cancellable(string url) => async ct =>
        {
            try
            {
                return await AsyncIO.SleepAsync(TimeSpan.FromSeconds(10), url, ct);
            }
            catch (OperationCanceledException)
            {
                cancelled.Add(url);
                throw;
            }
        };
        Task<string[]> gather = AsyncIO.GatherAsync(Urls.Select(Cancellable), cancellationToken: cancellation.Token);
        await AsyncIO.SleepAsync(TimeSpan.FromSeconds(1));
        // Cancel(), not CancelAsync(): on the loop the children's callbacks then run here, on the loop's thread, in order.
        // CA1849 and VSTHRD103 prefer CancelAsync in async code, which would run them on the thread pool (trap cancel-async).
        // In a method of its own the analyzers cannot tell it runs on a loop, so the suppressor that covers Cancel() inside an
        // AsyncIO.Run lambda (ANS0001, ANS0002) does not apply here.
#pragma warning disable CA1849, VSTHRD103 // on the loop, Cancel() is right (see above)
        cancellation.Cancel();
#pragma warning restore CA1849, VSTHRD103
        try
        {
            await gather;
        }
        catch (OperationCanceledException)
        {
            Print(output, $"gather cancelled; children cancelled: {string.Join(", ", cancelled)}");
        }
    }

    /// <summary>Part 1's recorded run as a Mermaid <c>gantt</c> block: the chart in this sample's README is this text, and a
    /// test keeps the two in step.</summary>
    public static string TimelineAsMermaid() => AsyncIO.Run(
        async () =>
        {
            var timeline = new Timeline();
            await SequentialThenGatherAsync(timeline);
            return timeline.ToMermaid("three 200 ms fetches, one after another, then gathered");
        },
        EventLoopOptions.Virtual);

    private static async Task<string[]> SequentialThenGatherAsync(Timeline timeline)
    {
        using (timeline.Start("sequential"))
        {
#pragma warning disable AN0003 // one by one on purpose: the part draws the sequential run beside the gathered one
            foreach (string url in Urls)
            {
                await timeline.RecordAsync(url, () => FetchAsync(url));
            }
#pragma warning restore AN0003
        }

        using (timeline.Start("gather"))
        {
            return await AsyncIO.GatherAsync(Urls.Select(url => timeline.RecordAsync(url, () => FetchAsync(url))));
        }
    }

    private static async Task OverHttpAsync(TextWriter output)
    {
        await output.WriteLineAsync();
        await output.WriteLineAsync("6. the notes' example over real HTTP (a local server on 127.0.0.1)");
        await using LocalApi api = await LocalApi.StartAsync();

        // One client for the whole program, from IHttpClientFactory: the notes' one ClientSession. Its connections are
        // pooled and renewed by the factory; a new HttpClient per request is sample 09's part 4.
        HttpClient http = api.CreateClient();

        // The delegate form: GatherAsync hands each request its token, so that cancelling the gather (a token passed to it,
        // as in part 5) would cancel the requests themselves, not only the waiting.
        Func<CancellationToken, Task<string>> Get(string url) => ct => http.GetStringAsync(url.TrimStart('/'), ct);
        string[] users = await AsyncIO.GatherAsync(Urls.Select(Get));
        foreach (string user in users)
        {
            await output.WriteLineAsync($"   {user}");
        }

        // Part 7 is the same job as a .NET program would ship it: no loop, only the BCL. Task.Run starts it where a plain
        // program's code runs, on the thread pool with no SynchronizationContext.
        await output.WriteLineAsync();
        await output.WriteLineAsync("7. the .NET you would ship: Task.WhenAll and each task read; Parallel.ForEachAsync for the limit");
        foreach (string line in await Task.Run(() => ShippedDotNet.RunAsync(http, api)))
        {
            await output.WriteLineAsync($"   {line}");
        }
    }

    private static async Task<string> FailAfterAsync(double seconds)
    {
        await AsyncIO.SleepAsync(TimeSpan.FromSeconds(seconds));
        throw new InvalidOperationException("/users/2 returned 500");
    }

    private static string Since(TimeSpan start) => $"{(EventLoop.Current!.Elapsed - start).TotalSeconds:0.0}s";

    private static string Indent(string text) => "   " + text.Replace("\n", "\n   ", StringComparison.Ordinal);

    private static void Print(TextWriter output, string line) =>
        output.WriteLine($"   [t={EventLoop.Current!.Elapsed.TotalSeconds:0.0}s] {line}");
}
