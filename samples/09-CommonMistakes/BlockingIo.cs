using AsyncNotes.Samples.Gather; // LocalApi, the file of sample 01, compiled into this sample too
using System.Diagnostics;

namespace AsyncNotes.Samples.CommonMistakes;

/// <summary>Mistake 2, blocking I/O inside async code: a synchronous HTTP call on the loop's thread stops every task.
/// Measured on the real clock, against the local API: how long three "concurrent" requests take, the longest time the
/// loop stood still (a ticker task notes its own gaps), and what the loop's slow-callback detection reported.</summary>
internal static class BlockingIo
{
    private const int Requests = 3;
    private static readonly TimeSpan ServerLatency = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan SlowCallback = TimeSpan.FromMilliseconds(250);

    public static void Run(PartLog log)
    {
        log.Part("2. blocking I/O inside async code (blocking-io)");
        var reports = new List<SlowCallback>();
        var options = new EventLoopOptions { SlowCallbackDuration = SlowCallback, SlowCallbackHandler = reports.Add };
        AsyncIO.Run(() => PartAsync(log, reports), options);
    }

    private static async Task PartAsync(PartLog log, List<SlowCallback> reports)
    {
        await using LocalApi api = await LocalApi.StartAsync(ServerLatency);
        HttpClient client = api.CreateClient();
        await client.GetStringAsync(new Uri("users/0", UriKind.Relative)); // a first request: the connection is made outside the measurement

        // Wrong: the synchronous Send inside async work. GatherAsync starts all three, but each holds the loop's thread
        // for the server's 300 ms, so they run one after another and nothing else runs meanwhile.
        Measurement wrong = await MeasureAsync(reports, ct => AsyncIO.GatherAsync(
            Enumerable.Range(1, Requests).Select(id => (Func<CancellationToken, Task<string>>)(async token =>
            {
                await AsyncIO.SleepAsync(TimeSpan.Zero, token); // the task's first step: the call below blocks inside the loop
#pragma warning disable CA1849, VSTHRD103 // the mistake, on purpose: a blocking call where SendAsync was meant
                using HttpResponseMessage response = client.Send(new HttpRequestMessage(HttpMethod.Get, $"users/{id}"), token);
#pragma warning restore CA1849, VSTHRD103
                return response.StatusCode.ToString();
            })),
            cancellationToken: ct));
        log.Write($"wrong: {Requests} requests with the blocking client.Send, under GatherAsync: {wrong}");

        // Fixed: the same three, awaited.
        Measurement fixedRun = await MeasureAsync(reports, ct => AsyncIO.GatherAsync(
            Enumerable.Range(1, Requests).Select(id => (Func<CancellationToken, Task<string>>)(token =>
                client.GetStringAsync(new Uri($"users/{id}", UriKind.Relative), token))),
            cancellationToken: ct));
        log.Write($"fixed: the same with await client.GetStringAsync: {fixedRun}");
        log.Write("caught by: CA1849 and VSTHRD103 (a synchronous call that has an async counterpart, in an async method);");
        log.Write("          at run time, the loop's slow-callback detection (asyncio's debug mode)");
    }

    private static async Task<Measurement> MeasureAsync(List<SlowCallback> reports, Func<CancellationToken, Task<string[]>> requests)
    {
        using var stop = new CancellationTokenSource();
        var ticker = new Ticker();
        Task ticking = AsyncIO.CreateTask(ticker.RunAsync, name: "ticker", cancellationToken: stop.Token);
        await AsyncIO.SleepAsync(TimeSpan.FromMilliseconds(30)); // the ticker is under way before the requests start
        int reportsBefore = reports.Count;
        long started = Stopwatch.GetTimestamp();

        await requests(CancellationToken.None);

        TimeSpan took = Stopwatch.GetElapsedTime(started);
        int slow = reports.Count - reportsBefore;
        await stop.CancelAsync();
        try
        {
            await ticking;
        }
        catch (OperationCanceledException)
        {
            // the ticker ends by cancellation
        }

        return new Measurement(took, ticker.LongestGap, slow);
    }

    private sealed record Measurement(TimeSpan Took, TimeSpan LongestStall, int SlowCallbacks)
    {
        public override string ToString() =>
            $"took {Took.TotalMilliseconds:0} ms; the loop stood still for up to {LongestStall.TotalMilliseconds:0} ms; slow callbacks reported: {SlowCallbacks}";
    }

    /// <summary>A task that wakes every 10 ms and notes the longest time between two of its turns: how long the loop could
    /// not run it.</summary>
    private sealed class Ticker
    {
        public TimeSpan LongestGap { get; private set; }

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            long last = Stopwatch.GetTimestamp();
            while (true)
            {
                await AsyncIO.SleepAsync(TimeSpan.FromMilliseconds(10), cancellationToken);
                long now = Stopwatch.GetTimestamp();
                TimeSpan gap = Stopwatch.GetElapsedTime(last, now);
                LongestGap = gap > LongestGap ? gap : LongestGap;
                last = now;
            }
        }
    }
}
