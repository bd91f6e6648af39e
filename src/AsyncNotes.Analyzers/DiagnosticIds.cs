namespace AsyncNotes.Analyzers;

/// <summary>The stable IDs of AsyncNotes' diagnostics. Each has its page in docs/analyzers/.</summary>
internal static class DiagnosticIds
{
    /// <summary><c>using</c> on an <c>IAsyncDisposable</c> inside an async function, where <c>await using</c> was meant.</summary>
    public const string UseAwaitUsing = "AN0001";

    /// <summary><c>AsyncIO.Run</c> inside an async function, where <c>await</c> was meant (asyncio.run() inside async def).</summary>
    public const string RunInsideAsyncFunction = "AN0002";

    /// <summary>Independent calls awaited one by one in a loop, where <c>GatherAsync</c> or <c>MapAsync</c> was meant.</summary>
    public const string SequentialAwaitInLoop = "AN0003";

    /// <summary>A fan-out over a source of unknown size with no limit on how many run at once.</summary>
    public const string UnboundedFanOut = "AN0004";

    /// <summary>The task of <c>AsyncIO.CreateTask</c> discarded without <c>Forget()</c> or an await.</summary>
    public const string DiscardedCreateTask = "AN0005";

    /// <summary><c>new HttpClient()</c> per call, where <c>IHttpClientFactory</c> (or one shared client) was meant.</summary>
    public const string HttpClientPerCall = "AN0006";

    /// <summary><c>CancellationTokenSource.CancelAsync</c> on an event loop, where <c>Cancel()</c> was meant.</summary>
    public const string CancelAsyncOnLoop = "AN0007";
}
