using AsyncNotes.Http;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace AsyncNotes.Benchmarks;

/// <summary>
/// N GETs of a small body from a <see cref="LocalServer"/> in the same process, at most 10 at once (the notes'
/// <c>Semaphore(10)</c>), each client from <c>IHttpClientFactory</c>: the raw client with a <see cref="SemaphoreSlim"/>
/// and <c>Task.WhenAll</c> (the baseline) against <c>AsyncNotes.Http</c>'s fan-out on the same plain client
/// (<see cref="HttpClientFetchExtensions.GetAllStringsAsync"/>, and <c>FetchAllAsync</c> returning outcomes), and against
/// the fan-out on the client a user of the package registers (<see cref="AsyncNotesHttpClientBuilderExtensions.AddAsyncNotesHttpClient"/>:
/// retries, timeouts and a circuit breaker around each request). The Python side: <c>bench/python/http_bench.py</c>.
/// </summary>
[MemoryDiagnoser]
public class HttpBenchmark
{
    private const int Limit = 10;
    private LocalServer? _server;
    private ServiceProvider? _services;
    private IHttpClientFactory _factory = null!;
    private Uri[] _uris = [];

    [ParamsSource(nameof(Sizes))]
    public int Requests { get; set; }

    public static IEnumerable<int> Sizes => Workload.Size(1_000);

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _server = await LocalServer.StartAsync();
        var services = new ServiceCollection();
        // Both clients keep their connections for the whole run: the factory's renewal (every 2 minutes by default)
        // would otherwise open new ones in the middle of a measurement on one side and not the other.
        services.AddHttpClient("plain", c => c.BaseAddress = _server.BaseAddress).SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        services.AddAsyncNotesHttpClient("asyncnotes", c => c.BaseAddress = _server.BaseAddress).SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        _services = services.BuildServiceProvider();
        _factory = _services.GetRequiredService<IHttpClientFactory>();
        _uris = [.. Enumerable.Range(0, Requests).Select(i => new Uri($"items/{i}", UriKind.Relative))];
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Benchmark(Baseline = true, Description = "HttpClient + SemaphoreSlim(10), GetStringAsync x N + WhenAll")]
    public async Task<string[]> RawClient()
    {
        using HttpClient http = _factory.CreateClient("plain");
        using var sem = new SemaphoreSlim(Limit, Limit);
        var requests = new Task<string>[_uris.Length];
        for (int i = 0; i < requests.Length; i++)
        {
            requests[i] = GetLimitedAsync(http, sem, _uris[i]);
        }

        return await Task.WhenAll(requests);
    }

    [Benchmark(Description = "GetAllStringsAsync(maxConcurrency 10), plain client")]
    public async Task<string[]> GetAllStrings()
    {
        using HttpClient http = _factory.CreateClient("plain");
        return await http.GetAllStringsAsync(_uris, Limit);
    }

    [Benchmark(Description = "FetchAllAsync(maxConcurrency 10, returnExceptions), plain client")]
    public async Task<Outcome<string>[]> FetchAllOutcomes()
    {
        using HttpClient http = _factory.CreateClient("plain");
        return await http.FetchAllAsync(_uris, static (r, ct) => r.Content.ReadAsStringAsync(ct), Limit, returnExceptions: true);
    }

    [Benchmark(Description = "GetAllStringsAsync(maxConcurrency 10), AddAsyncNotesHttpClient")]
    public async Task<string[]> GetAllStringsResilient()
    {
        using HttpClient http = _factory.CreateClient("asyncnotes");
        return await http.GetAllStringsAsync(_uris, Limit);
    }

    private static async Task<string> GetLimitedAsync(HttpClient http, SemaphoreSlim sem, Uri uri)
    {
        await sem.WaitAsync();
        try
        {
            return await http.GetStringAsync(uri);
        }
        finally
        {
            sem.Release();
        }
    }
}
