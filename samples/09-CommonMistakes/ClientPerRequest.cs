using AsyncNotes.Samples.Gather; // LocalApi, the file of sample 01, compiled into this sample too
using System.Net.NetworkInformation;

namespace AsyncNotes.Samples.CommonMistakes;

/// <summary>Mistake 4, forgetting <c>async with</c> for the aiohttp session; in .NET, the same mistake's common form: a new
/// <see cref="HttpClient"/> per request. Each one opens its own connection and closes it when disposed, and every closed
/// connection leaves a socket in TIME_WAIT (about a minute on Linux): under load, the machine runs out of ports. Measured by
/// counting this machine's TIME_WAIT sockets to the local API, after twenty requests each way.</summary>
internal static class ClientPerRequest
{
    private const int Requests = 20;

    public static void Run(PartLog log)
    {
        log.Part("4. a new HTTP client per request (client-per-request)");
        AsyncIO.Run(() => PartAsync(log));
    }

    // One request at a time in both halves, on purpose (AN0003 suppressed): the count is of clients, not of concurrency;
    // the shared client then needs one connection, where concurrent requests would open several.
#pragma warning disable AN0003
    private static async Task PartAsync(PartLog log)
    {
        // Wrong: a client (and its connection pool) per request, disposed at once.
        await using (LocalApi api = await LocalApi.StartAsync(TimeSpan.FromMilliseconds(5)))
        {
            for (int id = 1; id <= Requests; id++)
            {
#pragma warning disable AN0006 // the mistake, on purpose: this part counts the sockets it leaves behind
                using var client = new HttpClient { BaseAddress = api.BaseAddress };
#pragma warning restore AN0006
                await client.GetStringAsync(new Uri($"users/{id}", UriKind.Relative));
            }

            log.Write($"wrong: {Requests} requests, a new HttpClient each: {Sockets(api.BaseAddress)}");
        }

        // Fixed: clients from IHttpClientFactory share one pooled handler, so the connection is kept and reused.
        await using (LocalApi api = await LocalApi.StartAsync(TimeSpan.FromMilliseconds(5)))
        {
            for (int id = 1; id <= Requests; id++)
            {
                HttpClient client = api.CreateClient();
                await client.GetStringAsync(new Uri($"users/{id}", UriKind.Relative));
            }

            log.Write($"fixed: {Requests} requests, clients from IHttpClientFactory: {Sockets(api.BaseAddress)}");
        }

#pragma warning restore AN0003
        log.Write("caught by: AN0006 (AsyncNotes.Analyzers); CA2000 does not: 'using var client = new HttpClient()' satisfies it");
    }

    // This machine's TCP sockets on the server's port: TIME_WAIT on either end (the end that closed first keeps it), and
    // the connections the client holds open.
    private static string Sockets(Uri server)
    {
        TcpConnectionInformation[] all = IPGlobalProperties.GetIPGlobalProperties().GetActiveTcpConnections();
        int timeWait = all.Count(c => c.State == TcpState.TimeWait && (c.LocalEndPoint.Port == server.Port || c.RemoteEndPoint.Port == server.Port));
        int open = all.Count(c => c.State == TcpState.Established && c.RemoteEndPoint.Port == server.Port);
        return $"{timeWait} sockets left in TIME_WAIT, {open} connection(s) open";
    }
}
