using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Net.Http.Json;
using System.Text.Json.Serialization.Metadata;

namespace AsyncNotes.Http;

/// <summary>Fetches many URIs with one client, at most N at once: the notes' <c>asyncio.gather</c> of fetches capped by a
/// <c>Semaphore</c>, on <see cref="AsyncIO.GatherAsync{T}(IEnumerable{Func{CancellationToken, Task{T}}}, int?, CancellationToken)"/>.</summary>
/// <remarks>
/// <para>The Python lines it replaces:</para>
/// <code>
/// sem = asyncio.Semaphore(10)
/// async def fetch(url):
///     async with sem, session.get(url) as r:
///         r.raise_for_status()
///         return await r.json()
/// results = await asyncio.gather(*[fetch(u) for u in urls])
/// </code>
/// <para>Rules, for every method:</para>
/// <list type="bullet">
///   <item>At most <c>maxConcurrency</c> requests are in flight; the next starts when one ends, in input order (the
///   limit is the notes' Semaphore: it spares the server, the sockets and a rate limit).</item>
///   <item>Results come in input order. An unsuccessful status code is a failure
///   (<see cref="HttpRequestException"/> with its <see cref="HttpRequestException.StatusCode"/>), after the client's
///   own retries (<see cref="AsyncNotesHttpClientBuilderExtensions.AddAsyncNotesResilience"/>).</item>
///   <item>Without <c>returnExceptions</c>, the first failure is thrown at once (the same exception object); the
///   requests in flight run on, and those not yet started are not started (in Python they would be tasks already,
///   waiting on the semaphore, and would run). With it, each request's <see cref="Outcome{T}"/> is returned and
///   nothing is thrown but the caller's cancellation.</item>
///   <item>On an event loop, requests that run on after the first failure need the loop to end: dispose the
///   <c>ServiceProvider</c> that owns the client with <c>await using</c>, not <c>using</c>. Its synchronous
///   <c>Dispose</c> blocks until the resilience pipeline's executions have ended, and on the loop's thread they then
///   never can: the run hangs. AsyncNotes' analyzer AN0001 reports the <c>using</c>.</item>
///   <item>A failure is any exception of the request or of reading it: <see cref="HttpRequestException"/> (a
///   connection failure, or an unsuccessful status code, with its <see cref="HttpRequestException.StatusCode"/>),
///   Polly's <c>TimeoutRejectedException</c> (the client's timeouts) and <c>BrokenCircuitException</c> (an open
///   circuit), a <see cref="TaskCanceledException"/> whose inner exception is a <see cref="TimeoutException"/>
///   (<see cref="HttpClient.Timeout"/>, a body that stalled), an <see cref="IOException"/> (a body cut off), an
///   <see cref="InvalidOperationException"/> (a relative URI and no base address), and whatever the read throws.</item>
///   <item>Cancelling <c>cancellationToken</c> aborts the requests in flight (the server sees them go), starts no more,
///   and throws <see cref="OperationCanceledException"/> once every request has ended.</item>
///   <item><c>progress</c>, when given, hears of each request as it ends, from the thread it ended on (a
///   <see cref="Progress{T}"/> posts to the context it was created on). Reports of requests ending at the same moment
///   may arrive in either order: each carries its own counts, so keep the highest <see cref="FetchProgress.Completed"/>.
///   A request cancelled or failed counts as failed.</item>
///   <item>The URIs are read once, before the first request; a relative URI is resolved against the client's
///   <see cref="HttpClient.BaseAddress"/>. Null arguments and a limit below 1 throw at the call, before any request.</item>
/// </list>
/// <para>Differs from <c>Task.WhenAll(uris.Select(client.GetStringAsync))</c>, which starts every request at once and
/// throws only after the last has ended, and from <c>Parallel.ForEachAsync</c>, which returns no results.</para>
/// </remarks>
public static class HttpClientFetchExtensions
{
    /// <summary>GETs every URI, at most <paramref name="maxConcurrency"/> at once, and reads each successful response
    /// with <paramref name="read"/>.</summary>
    /// <remarks><para>Maps <c>asyncio.gather</c> of fetches under a <c>Semaphore</c>; the rules are the class's.</para>
    /// <code>results = await asyncio.gather(*[fetch(u) for u in urls])</code></remarks>
    /// <example><code>int[] sizes = await http.FetchAllAsync(uris, async (r, ct) => (await r.Content.ReadAsByteArrayAsync(ct)).Length, maxConcurrency: 10);</code></example>
    /// <typeparam name="T">The type of each result.</typeparam>
    /// <param name="client">The client, ideally from <c>IHttpClientFactory</c>.</param>
    /// <param name="uris">What to GET.</param>
    /// <param name="read">Reads one successful response, given the request's token.</param>
    /// <param name="maxConcurrency">The most requests in flight at once; at least 1.</param>
    /// <param name="progress">Hears of each request as it ends; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Aborts the requests in flight and starts no more.</param>
    /// <returns>The results, in input order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="client"/>, <paramref name="uris"/>, <paramref name="read"/> or an URI is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxConcurrency"/> is less than 1.</exception>
    /// <exception cref="HttpRequestException">The first request that failed, if it failed so (see the class's rules for
    /// the other failures: timeouts, an open circuit, a body cut off, the read's own exceptions).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static Task<T[]> FetchAllAsync<T>(
        this HttpClient client,
        IEnumerable<Uri> uris,
        Func<HttpResponseMessage, CancellationToken, Task<T>> read,
        int maxConcurrency,
        IProgress<FetchProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        // The arguments are checked here, at the call; GatherAsync then starts the work.
        Func<CancellationToken, Task<T>>[] work = Work(client, uris, read, maxConcurrency, progress);
        return AsyncIO.GatherAsync(work, maxConcurrency, cancellationToken);
    }

    /// <summary>As <see cref="FetchAllAsync{T}(HttpClient, IEnumerable{Uri}, Func{HttpResponseMessage, CancellationToken, Task{T}}, int, IProgress{FetchProgress}?, CancellationToken)"/>,
    /// returning each request's outcome instead of throwing the first failure.</summary>
    /// <remarks><para>Maps <c>asyncio.gather(..., return_exceptions=True)</c>; the rules are the class's.</para>
    /// <code>results = await asyncio.gather(*[fetch(u) for u in urls], return_exceptions=True)</code></remarks>
    /// <example><code>Outcome&lt;string&gt;[] pages = await http.FetchAllAsync(uris, (r, ct) => r.Content.ReadAsStringAsync(ct), 10, returnExceptions: true);</code></example>
    /// <typeparam name="T">The type of each result.</typeparam>
    /// <param name="client">The client, ideally from <c>IHttpClientFactory</c>.</param>
    /// <param name="uris">What to GET.</param>
    /// <param name="read">Reads one successful response, given the request's token.</param>
    /// <param name="maxConcurrency">The most requests in flight at once; at least 1.</param>
    /// <param name="returnExceptions">Must be <see langword="true"/>: the outcomes are returned.</param>
    /// <param name="progress">Hears of each request as it ends; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Aborts the requests in flight and starts no more.</param>
    /// <returns>One outcome per URI, in input order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="client"/>, <paramref name="uris"/>, <paramref name="read"/> or an URI is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxConcurrency"/> is less than 1.</exception>
    /// <exception cref="ArgumentException"><paramref name="returnExceptions"/> is <see langword="false"/> (use the overload without it).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    [SuppressMessage("Design", "CA1068:CancellationToken parameters must come last", Justification = "The token is last; the flag mirrors GatherAsync's returnExceptions overloads.")]
    public static Task<Outcome<T>[]> FetchAllAsync<T>(
        this HttpClient client,
        IEnumerable<Uri> uris,
        Func<HttpResponseMessage, CancellationToken, Task<T>> read,
        int maxConcurrency,
        bool returnExceptions,
        IProgress<FetchProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (!returnExceptions)
        {
            throw new ArgumentException("Pass returnExceptions: true, or use the overload without it, which throws the first failure.", nameof(returnExceptions));
        }

        Func<CancellationToken, Task<T>>[] work = Work(client, uris, read, maxConcurrency, progress);
        return AsyncIO.GatherAsync(work, returnExceptions: true, maxConcurrency, cancellationToken);
    }

    /// <summary>GETs every URI as a string, at most <paramref name="maxConcurrency"/> at once.</summary>
    /// <remarks><para>Maps a gather of <c>await r.text()</c> under a <c>Semaphore</c>; the rules are the class's.</para>
    /// <code>pages = await asyncio.gather(*[fetch_text(u) for u in urls])</code></remarks>
    /// <example><code>string[] pages = await http.GetAllStringsAsync(uris, maxConcurrency: 10);</code></example>
    /// <param name="client">The client, ideally from <c>IHttpClientFactory</c>.</param>
    /// <param name="uris">What to GET.</param>
    /// <param name="maxConcurrency">The most requests in flight at once; at least 1.</param>
    /// <param name="progress">Hears of each request as it ends; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Aborts the requests in flight and starts no more.</param>
    /// <returns>The bodies, in input order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="client"/>, <paramref name="uris"/> or an URI is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxConcurrency"/> is less than 1.</exception>
    /// <exception cref="HttpRequestException">The first request that failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static Task<string[]> GetAllStringsAsync(
        this HttpClient client, IEnumerable<Uri> uris, int maxConcurrency, IProgress<FetchProgress>? progress = null, CancellationToken cancellationToken = default) =>
        client.FetchAllAsync(uris, static (response, ct) => response.Content.ReadAsStringAsync(ct), maxConcurrency, progress, cancellationToken);

    /// <summary>GETs every URI and deserializes its JSON body with <paramref name="jsonTypeInfo"/> (a source-generated
    /// context's, so nothing is reflected at run time), at most <paramref name="maxConcurrency"/> at once.</summary>
    /// <remarks><para>Maps a gather of <c>await r.json()</c> under a <c>Semaphore</c>; the rules are the class's. A body
    /// that is JSON <c>null</c> is a failure (<see cref="System.Text.Json.JsonException"/>).</para>
    /// <code>users = await asyncio.gather(*[fetch_json(u) for u in urls])</code></remarks>
    /// <example><code>User[] users = await http.GetAllFromJsonAsync(uris, AppJson.Default.User, maxConcurrency: 10);</code></example>
    /// <typeparam name="T">The type of each body.</typeparam>
    /// <param name="client">The client, ideally from <c>IHttpClientFactory</c>.</param>
    /// <param name="uris">What to GET.</param>
    /// <param name="jsonTypeInfo">How to read <typeparamref name="T"/>.</param>
    /// <param name="maxConcurrency">The most requests in flight at once; at least 1.</param>
    /// <param name="progress">Hears of each request as it ends; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Aborts the requests in flight and starts no more.</param>
    /// <returns>The bodies, in input order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="client"/>, <paramref name="uris"/>, <paramref name="jsonTypeInfo"/> or an URI is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxConcurrency"/> is less than 1.</exception>
    /// <exception cref="HttpRequestException">The first request that failed.</exception>
    /// <exception cref="System.Text.Json.JsonException">The first body that was not a <typeparamref name="T"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static Task<T[]> GetAllFromJsonAsync<T>(
        this HttpClient client, IEnumerable<Uri> uris, JsonTypeInfo<T> jsonTypeInfo, int maxConcurrency, IProgress<FetchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jsonTypeInfo);
        return client.FetchAllAsync(uris, (response, ct) => ReadJsonAsync(response, jsonTypeInfo, ct), maxConcurrency, progress, cancellationToken);
    }

    // Back to the loop on a loop (its code belongs there), to nothing off it: AsyncNotes' rule for a library await.
    private static bool OnLoop => EventLoop.Current is not null;

    private static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> jsonTypeInfo, CancellationToken cancellationToken) =>
        await response.Content.ReadFromJsonAsync(jsonTypeInfo, cancellationToken).ConfigureAwait(OnLoop)
        ?? throw new System.Text.Json.JsonException($"The body of {response.RequestMessage?.RequestUri} is JSON null, not a {typeof(T).Name}.");

    // One delegate per URI: send, check the status, read, dispose the response, report progress.
    private static Func<CancellationToken, Task<T>>[] Work<T>(
        HttpClient client, IEnumerable<Uri> uris, Func<HttpResponseMessage, CancellationToken, Task<T>> read, int maxConcurrency, IProgress<FetchProgress>? progress)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(uris);
        ArgumentNullException.ThrowIfNull(read);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        Uri[] all = [.. uris];
        foreach (Uri uri in all)
        {
            ArgumentNullException.ThrowIfNull(uri, nameof(uris));
        }

        var tally = new Tally(all.Length, progress);
        return [.. all.Select(uri => (Func<CancellationToken, Task<T>>)(ct => FetchOneAsync(client, uri, read, tally, ct)))];
    }

    private static async Task<T> FetchOneAsync<T>(
        HttpClient client, Uri uri, Func<HttpResponseMessage, CancellationToken, Task<T>> read, Tally tally, CancellationToken cancellationToken)
    {
        bool succeeded = false;
        try
        {
            // The body is buffered inside GetAsync, so HttpClient.Timeout bounds it too: a body that stalls cannot hang the
            // fetch (the resilience pipeline ends at the headers).
            using HttpResponseMessage response = await client.GetAsync(uri, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(OnLoop);
            response.EnsureSuccessStatusCode();
            T result = await read(response, cancellationToken).ConfigureAwait(OnLoop);
            succeeded = true;
            return result;
        }
        finally
        {
            tally.Ended(succeeded);
        }
    }

    /// <summary>The counts behind <see cref="FetchProgress"/>, safe from any thread.</summary>
    private sealed class Tally(int total, IProgress<FetchProgress>? progress)
    {
        private readonly Lock _gate = new();
        private int _completed;
        private int _failed;

        public void Ended(bool succeeded)
        {
            if (progress is null)
            {
                return;
            }

            // Counted under the lock, reported outside it (user code never runs under AsyncNotes' gates): reports of
            // requests that end at the same moment on two threads may arrive in either order; each carries its counts.
            FetchProgress now;
            lock (_gate)
            {
                _completed++;
                _failed += succeeded ? 0 : 1;
                now = new FetchProgress(_completed, _failed, total);
            }

            progress.Report(now);
        }
    }
}
