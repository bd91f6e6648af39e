using AsyncNotes.Samples.Gather; // LocalApi, the file of sample 01, compiled into this sample too
using Microsoft.Extensions.DependencyInjection;

namespace AsyncNotes.Samples.CommonMistakes;

/// <summary>The local API and the way a .NET program gets its clients: <see cref="IHttpClientFactory"/>, one registration,
/// clients that share pooled connections.</summary>
internal sealed class LocalHttp : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private LocalHttp(LocalApi api, ServiceProvider services)
    {
        Api = api;
        _services = services;
    }

    public LocalApi Api { get; }

    /// <summary>A client from the factory, its base address the local API.</summary>
    public HttpClient CreateClient() => _services.GetRequiredService<IHttpClientFactory>().CreateClient("api");

    public static async Task<LocalHttp> StartAsync(TimeSpan latency, CancellationToken cancellationToken = default)
    {
        LocalApi api = await LocalApi.StartAsync(latency, cancellationToken);
        var services = new ServiceCollection();
        services.AddHttpClient("api", client => client.BaseAddress = api.BaseAddress);
        return new LocalHttp(api, services.BuildServiceProvider());
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Api.DisposeAsync();
    }
}
