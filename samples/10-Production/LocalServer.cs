using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AsyncNotes.Samples.Production;

/// <summary>An ASP.NET Core app on 127.0.0.1 and a port the system picks, so the sample runs offline: the minimal API of
/// part 1, the slow model of parts 2 and 3. Stopping it waits for the requests it is still handling.</summary>
internal sealed class LocalServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LocalServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary>Where the server listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The app's container (the one its routes' parameters come from).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Builds the app with <paramref name="services"/>, maps its routes with <paramref name="routes"/>, and starts it.</summary>
    public static async Task<LocalServer> StartAsync(
        Action<IServiceCollection> services, Action<WebApplication> routes, CancellationToken cancellationToken = default)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        // Every JSON body, in and out, through the sample's source-generated context: nothing reflected at run time.
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, SampleJson.Default));
        services(builder.Services);
        WebApplication app = builder.Build();
        routes(app);
        await app.StartAsync(cancellationToken);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LocalServer(app, new Uri(address + "/"));
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
