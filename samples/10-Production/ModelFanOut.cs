using System.Diagnostics;
using AsyncNotes.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AsyncNotes.Samples.Production;

/// <summary>Part 2, the notes' LangChain fan-out: <c>await asyncio.gather(*[chain.ainvoke(q) for q in questions])</c>.
/// Forty questions to a slow model through AsyncNotes.Http: at most eight in flight, each call retried on a transient
/// failure and abandoned (then retried) when an attempt takes over two seconds (twenty times a call's 100 ms, so that only
/// the stalled call is abandoned, even on a loaded machine). The model fails six of them once with a 503
/// and leaves one unanswered once; every question is answered in the end, and the model never sees more than eight
/// calls at once.</summary>
internal static class ModelFanOut
{
    private const int Questions = 40;
    private const int Limit = 8;
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(2);

    // Which calls fail, fixed so that every run fails the same ones: every seventh question from the third gets a 503 the
    // first time, and the last gets no answer the first time (it is last so that its retry does not overlap the others).
    private static readonly string[] Asked = [.. Enumerable.Range(1, Questions).Select(n => $"question {n}")];
    private static readonly string[] FailOnce = [.. Enumerable.Range(1, Questions).Where(n => n % 7 == 3).Select(n => $"question {n}")];
    private static readonly string StallOnce = Asked[^1];

    public static void Run(PartLog log)
    {
        log.Part($"2. asyncio.gather(*[chain.ainvoke(q) ...])  ->  http.GetAllFromJsonAsync(..., maxConcurrency: {Limit})");
        AsyncIO.Run(() => PartAsync(log));
    }

    private static async Task PartAsync(PartLog log)
    {
        SlowModel model = await SlowModel.StartAsync(FailOnce, StallOnce);
        await using (model)
        {
            // One registration, then clients from IHttpClientFactory: the aiohttp session, shared by every call.
            var services = new ServiceCollection();
            services.AddAsyncNotesHttpClient(
                "model",
                client => client.BaseAddress = model.BaseAddress,
                options =>
                {
                    options.MaxRetryAttempts = 3;                    // tenacity's stop_after_attempt(4)
                    options.AttemptTimeout = AttemptTimeout;         // a call that takes over 2 s is abandoned, and retried
                    options.TotalTimeout = TimeSpan.FromSeconds(10); // every attempt and delay of one question
                });
            await using ServiceProvider clients = services.BuildServiceProvider();
            HttpClient http = clients.GetRequiredService<IHttpClientFactory>().CreateClient("model");

            log.Write($"{Questions} questions to a model that takes {SlowModel.Latency.TotalMilliseconds:0} ms a call; it answers {FailOnce.Length} of them with a 503 the first time, and leaves one unanswered the first time");
            var progress = new LastReport();
            long started = Stopwatch.GetTimestamp();

            Answer[] answers = await http.GetAllFromJsonAsync(
                Asked.Select(q => new Uri($"answer?q={Uri.EscapeDataString(q)}", UriKind.Relative)),
                SampleJson.Default.Answer,
                maxConcurrency: Limit,
                progress);

            TimeSpan took = Stopwatch.GetElapsedTime(started);
            log.Write($"{answers.Length} of {Questions} answered, in input order: \"{answers[0].Text}\", \"{answers[1].Text}\", ..., \"{answers[^1].Text}\"");
            log.Write($"progress (IProgress<FetchProgress>): the last report says {progress.Last.Completed} of {progress.Last.Total} ended, {progress.Last.Failed} failed");
            log.Write($"took {took.TotalMilliseconds:0} ms (one call at a time, it would take at least {Questions * SlowModel.Latency.TotalMilliseconds:0} ms)");
        }

        // The model is stopped: every call it saw has ended, the abandoned one included.
        IReadOnlyDictionary<string, IReadOnlyList<string>> calls = model.Calls();
        int total = calls.Values.Sum(outcomes => outcomes.Count);
        log.Write($"the model saw {total} calls: {calls.Count} questions, and {total - calls.Count} retries");
        log.Write($"the model had at most {model.MaxInFlight} calls in flight at once (the limit: {Limit})");
        log.Write("the questions that needed a retry, as the model saw them:");
        foreach (string question in Asked.Where(q => calls[q].Count > 1))
        {
            log.Write($"  {question}: {string.Join(", then ", calls[question])}");
        }
    }

    /// <summary>Keeps the report with the most requests ended (reports may arrive out of order from other threads).</summary>
    private sealed class LastReport : IProgress<FetchProgress>
    {
        private readonly Lock _gate = new();

        public FetchProgress Last { get; private set; }

        public void Report(FetchProgress value)
        {
            lock (_gate)
            {
                if (value.Completed >= Last.Completed)
                {
                    Last = value;
                }
            }
        }
    }
}
