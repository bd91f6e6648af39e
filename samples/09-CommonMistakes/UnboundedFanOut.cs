using AsyncNotes.Samples.Gather; // LocalApi, the file of sample 01, compiled into this sample too
namespace AsyncNotes.Samples.CommonMistakes;

/// <summary>Mistake 5, too many concurrent tasks: a fan-out with no limit sends every request at once, and the server sees
/// them all together (the notes: "otherwise you exhaust file descriptors or hit rate limits"). Measured by the local API's
/// own high-water mark of requests in flight.</summary>
internal static class UnboundedFanOut
{
    private const int Requests = 200;
    private const int Limit = 10;

    public static void Run(PartLog log)
    {
        log.Part("5. too many concurrent tasks (unbounded-fan-out)");
        AsyncIO.Run(() => PartAsync(log));
    }

    private static async Task PartAsync(PartLog log)
    {
        await using LocalApi api = await LocalApi.StartAsync(TimeSpan.FromMilliseconds(100));
        HttpClient client = api.CreateClient();
        int[] ids = [.. Enumerable.Range(1, Requests)];

        // Wrong: one request per item, all at once.
#pragma warning disable AN0004 // the mistake, on purpose: this part measures what the server sees
        await Task.WhenAll(ids.Select(id => client.GetStringAsync(new Uri($"users/{id}", UriKind.Relative))));
#pragma warning restore AN0004
        log.Write($"wrong: {Requests} requests with Task.WhenAll over a Select: the server had {api.MaxInFlight} in flight at once");

        // Fixed: at most Limit in flight (asyncio's Semaphore; here MapAsync, which starts an item when a slot frees).
        api.ResetMaxInFlight();
        int done = 0;
        await foreach (string _ in AsyncIO.MapAsync(ids, (id, ct) => client.GetStringAsync(new Uri($"users/{id}", UriKind.Relative), ct), maxConcurrency: Limit))
        {
            done++;
        }

        log.Write($"fixed: {done} requests with AsyncIO.MapAsync(maxConcurrency: {Limit}): the server had {api.MaxInFlight} in flight at once");
        log.Write("caught by: AN0004 (AsyncNotes.Analyzers, informational: the analyzer cannot know how many items there will be)");
    }
}
