using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AsyncNotes.Samples.Gather;

/// <summary>A stand-in for the notes' <c>https://api.example.com</c>: <c>GET /users/{id}</c> answers after 200 ms with a
/// small JSON user. It listens on 127.0.0.1 only, on a free port, so the sample runs offline. Internal: sample 03b compiles
/// this same file into its own assembly.</summary>
internal sealed class LocalApi : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LocalApi(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary>Where the API listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Starts the API on 127.0.0.1 and a port the system picks.</summary>
    public static async Task<LocalApi> StartAsync(CancellationToken cancellationToken = default)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        WebApplication app = builder.Build();
        app.MapGet("/users/{id:int}", async (int id, CancellationToken ct) =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), ct); // the server's own latency, in real time
            return Results.Text($$"""{"id":{{id}},"name":"user {{id}}"}""", "application/json");
        });
        await app.StartAsync(cancellationToken);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LocalApi(app, new Uri(address + "/"));
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
