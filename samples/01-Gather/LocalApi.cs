using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AsyncNotes.Samples.Gather;

/// <summary>A stand-in for the notes' <c>https://api.example.com</c>: <c>GET /users/{id}</c> answers after 200 ms (or the
/// latency given) with a small JSON user, and the server counts the requests it is handling at once. It listens on
/// 127.0.0.1 only, on a free port, so the sample runs offline. Its clients come from <see cref="IHttpClientFactory"/>, as a
/// .NET program's should: one registration, clients that share pooled connections. Internal: samples 03b, 04 and 09
/// compile this same file into their own assemblies.</summary>
internal sealed class LocalApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly InFlightCounter _inFlight;
    private readonly ServiceProvider _clients;

    private LocalApi(WebApplication app, Uri baseAddress, InFlightCounter inFlight)
    {
        _app = app;
        BaseAddress = baseAddress;
        _inFlight = inFlight;
        var services = new ServiceCollection();
        services.AddHttpClient(nameof(LocalApi), client => client.BaseAddress = baseAddress);
        _clients = services.BuildServiceProvider();
    }

    /// <summary>Where the API listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The server's own high-water mark: the most <c>/users/{id}</c> requests it was handling at once since it
    /// started, or since <see cref="ResetMaxInFlight"/>.</summary>
    public int MaxInFlight => _inFlight.Max;

    /// <summary>Starts the API on 127.0.0.1 and a port the system picks.</summary>
    /// <param name="latency">How long each <c>/users/{id}</c> request takes on the server, in real time; 200 ms when
    /// <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<LocalApi> StartAsync(TimeSpan? latency = null, CancellationToken cancellationToken = default)
    {
        TimeSpan delay = latency ?? TimeSpan.FromMilliseconds(200);
        var inFlight = new InFlightCounter();
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        WebApplication app = builder.Build();
        app.MapGet("/users/{id:int}", async (int id, CancellationToken ct) =>
        {
            // Counted while the server works on it; the count drops before the answer is written, so a client that has
            // its answer is never still counted.
            inFlight.Enter();
            try
            {
                await Task.Delay(delay, ct); // the server's own latency, in real time
            }
            finally
            {
                inFlight.Exit();
            }

            return Results.Text($$"""{"id":{{id}},"name":"user {{id}}"}""", "application/json");
        });
        await app.StartAsync(cancellationToken);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LocalApi(app, new Uri(address + "/"), inFlight);
    }

    /// <summary>A client for this API, from <see cref="IHttpClientFactory"/>: its base address is <see cref="BaseAddress"/>,
    /// and every client shares the factory's pooled connections, so there is nothing to dispose per client.</summary>
    public HttpClient CreateClient() => _clients.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(LocalApi));

    /// <summary>Starts a new high-water mark from the requests in flight now.</summary>
    public void ResetMaxInFlight() => _inFlight.ResetMax();

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _clients.DisposeAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Requests in flight on the server (Kestrel handles them on the thread pool), and the most at once.</summary>
    private sealed class InFlightCounter
    {
        private readonly object _gate = new();
        private int _now;
        private int _max;

        public int Max
        {
            get
            {
                lock (_gate)
                {
                    return _max;
                }
            }
        }

        public void Enter()
        {
            lock (_gate)
            {
                _now++;
                _max = Math.Max(_max, _now);
            }
        }

        public void Exit()
        {
            lock (_gate)
            {
                _now--;
            }
        }

        public void ResetMax()
        {
            lock (_gate)
            {
                _max = _now;
            }
        }
    }
}
