using Microsoft.Extensions.DependencyInjection;

namespace AsyncNotes.Http.Tests;

/// <summary>A client registered as a user would (a ServiceCollection and <c>AddAsyncNotesHttpClient</c>), against a
/// <see cref="FaultServer"/>, with short retry delays so that the suite is fast. Its own container, so its circuit
/// breaker is its own. In async code dispose it with <c>await using</c> (AN0001 says so): on an event loop, a synchronous
/// <c>Dispose</c> of its container blocks the loop's thread until requests still running end.</summary>
internal sealed class TestClient : IDisposable, IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private TestClient(ServiceProvider services, HttpClient http)
    {
        _services = services;
        Http = http;
    }

    /// <summary>The client, from <c>IHttpClientFactory</c>, with the server's base address.</summary>
    public HttpClient Http { get; }

    /// <summary>Registers and creates the client: RetryBaseDelay 10 ms, then <paramref name="configure"/>;
    /// <paramref name="builder"/> may add handlers after the resilience one (closer to the network).</summary>
    public static TestClient Create(FaultServer server, Action<AsyncNotesHttpOptions>? configure = null, Action<IHttpClientBuilder>? builder = null)
    {
        var services = new ServiceCollection();
        IHttpClientBuilder client = services.AddAsyncNotesHttpClient(
            "faults",
            c => c.BaseAddress = server.BaseAddress,
            o =>
            {
                o.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
                configure?.Invoke(o);
            });
        builder?.Invoke(client);
        ServiceProvider provider = services.BuildServiceProvider();
        return new TestClient(provider, provider.GetRequiredService<IHttpClientFactory>().CreateClient("faults"));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Http.Dispose();
        _services.Dispose();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _services.DisposeAsync();
    }
}
