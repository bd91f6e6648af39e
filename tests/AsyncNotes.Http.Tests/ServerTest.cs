namespace AsyncNotes.Http.Tests;

/// <summary>Base of the test classes: each test gets its own <see cref="FaultServer"/> (xunit makes a class instance per test).</summary>
public abstract class ServerTest : IAsyncLifetime
{
    private FaultServer? _server;

    /// <summary>This test's server.</summary>
    internal FaultServer Server => _server ?? throw new InvalidOperationException("The server is not started.");

    /// <summary>The test's token, for every async call (xUnit1051).</summary>
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <inheritdoc/>
    public async ValueTask InitializeAsync() => _server = await FaultServer.StartAsync(Ct);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    internal static Uri Rel(string relative) => new(relative, UriKind.Relative);
}
