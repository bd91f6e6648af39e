using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace AsyncNotes.Http;

/// <summary>Registers clients from <c>IHttpClientFactory</c> with AsyncNotes' resilience: the notes' <c>async with
/// aiohttp.ClientSession() as session:</c>, done the .NET way (one factory, pooled connections), plus what a production
/// session needs and aiohttp does not give (retries, timeouts, a circuit breaker).</summary>
public static class AsyncNotesHttpClientBuilderExtensions
{
    /// <summary>Registers a named client from <c>IHttpClientFactory</c> with <see cref="AddAsyncNotesResilience"/>.</summary>
    /// <remarks>
    /// <para>Maps the notes' session, created once and shared. The Python line it replaces:</para>
    /// <code>async with aiohttp.ClientSession(base_url=api) as session:</code>
    /// <para>Differs from <c>new HttpClient()</c>: the factory pools connections across the clients it hands out and
    /// renews them (stale DNS), so a client per call costs nothing; a <c>new HttpClient()</c> per call opens a connection
    /// per request and leaves its socket in TIME_WAIT (sample 09, analyzer AN0006).</para>
    /// <para>The client's <see cref="HttpClient.Timeout"/> is set to <see cref="AsyncNotesHttpOptions.TotalTimeout"/>
    /// plus one second before <paramref name="configureClient"/> runs: the resilience pipeline ends when the response's
    /// headers arrive, and <see cref="HttpClient.Timeout"/> is what also bounds reading its body (buffered, as
    /// <c>GetAsync</c> and the fetch methods do). A body that stalls then ends in a <see cref="TaskCanceledException"/>
    /// whose inner exception is a <see cref="TimeoutException"/>; a body is never retried.</para>
    /// </remarks>
    /// <example><code>
    /// services.AddAsyncNotesHttpClient("api", client => client.BaseAddress = new Uri("http://127.0.0.1:5000/"));
    /// HttpClient http = provider.GetRequiredService&lt;IHttpClientFactory&gt;().CreateClient("api");
    /// </code></example>
    /// <param name="services">The container.</param>
    /// <param name="name">The client's name, for <c>IHttpClientFactory.CreateClient(name)</c>.</param>
    /// <param name="configureClient">Sets the client up (its base address, headers); may be <see langword="null"/>.</param>
    /// <param name="configureOptions">Changes the resilience defaults; may be <see langword="null"/>.</param>
    /// <returns>The client's builder, to add more.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of its range (see <see cref="AsyncNotesHttpOptions"/>).</exception>
    public static IHttpClientBuilder AddAsyncNotesHttpClient(
        this IServiceCollection services, string name, Action<HttpClient>? configureClient = null, Action<AsyncNotesHttpOptions>? configureOptions = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);
        var options = new AsyncNotesHttpOptions();
        configureOptions?.Invoke(options);
        options.Validate();

        // The pipeline ends at the response's headers; HttpClient.Timeout also bounds reading a buffered body. Set just
        // above TotalTimeout, it lets the pipeline's own timeout speak first and still ends a body that stalls.
        // configureClient runs after, and may set a timeout of its own.
        IHttpClientBuilder builder = services.AddHttpClient(name)
            .ConfigureHttpClient(client => client.Timeout = options.TotalTimeout + BodyMargin);
        if (configureClient is not null)
        {
            builder.ConfigureHttpClient(configureClient);
        }

        return builder.AddPipeline(options);
    }

    /// <summary>Adds retries with exponential back-off and jitter on transient failures only, <c>Retry-After</c>, a
    /// per-attempt and an overall timeout, and a circuit breaker, to a client from <c>IHttpClientFactory</c>.</summary>
    /// <remarks>
    /// <para>asyncio has none of these; the Python a team writes instead wraps each fetch in tenacity and a timeout:</para>
    /// <code>@retry(stop=stop_after_attempt(4), wait=wait_exponential_jitter(initial=0.2))</code>
    /// <para>Rules (the values are <see cref="AsyncNotesHttpOptions"/>'s):</para>
    /// <list type="bullet">
    ///   <item>From the outside in: the overall timeout, the retries, the circuit breaker, the per-attempt timeout. Each
    ///   attempt gets its own timeout; the overall one bounds them all with their delays.</item>
    ///   <item>Retried: a 5xx answer but 501 and 505 (which no retry changes), a 408 or 429, a connection failure, an
    ///   attempt timed out; only for GET, HEAD, OPTIONS, TRACE, PUT and DELETE, or a request with an
    ///   <c>Idempotency-Key</c> header. Never a 400, never a plain POST or PATCH.</item>
    ///   <item>A <c>Retry-After</c> header on any retried answer sets the delay before the next attempt (an HTTP date is
    ///   read against the system clock). A delay longer than what is left of the overall timeout spends it: the caller
    ///   then gets <c>TimeoutRejectedException</c>, not the 429.</item>
    ///   <item>The caller's cancellation ends the request at once with <see cref="OperationCanceledException"/>, during an
    ///   attempt or a delay; it is never retried, and the last answer is not returned in its place.</item>
    ///   <item>After the last attempt, the last answer is returned (a 503 stays a 503 for the caller to see) or the last
    ///   exception thrown; an overall timeout throws Polly's <c>TimeoutRejectedException</c>; an open circuit throws
    ///   <c>BrokenCircuitException</c> without sending.</item>
    /// </list>
    /// <para>Differs from <c>AddStandardResilienceHandler()</c>, which it builds on: that one retries every method.
    /// The client's own <see cref="HttpClient.Timeout"/> (100 s by default) bounds the whole request, body included: keep
    /// it a little above <see cref="AsyncNotesHttpOptions.TotalTimeout"/> (<see cref="AddAsyncNotesHttpClient"/> sets it
    /// to that plus one second).</para>
    /// </remarks>
    /// <example><code>services.AddHttpClient("api").AddAsyncNotesResilience(o => o.MaxRetryAttempts = 5);</code></example>
    /// <param name="builder">The client's builder.</param>
    /// <param name="configure">Changes the defaults; may be <see langword="null"/>.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of its range (see <see cref="AsyncNotesHttpOptions"/>).</exception>
    public static IHttpClientBuilder AddAsyncNotesResilience(this IHttpClientBuilder builder, Action<AsyncNotesHttpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new AsyncNotesHttpOptions();
        configure?.Invoke(options);
        options.Validate();
        return builder.AddPipeline(options);
    }

    // What HttpClient.Timeout adds to TotalTimeout in AddAsyncNotesHttpClient: time to read a buffered body.
    private static readonly TimeSpan BodyMargin = TimeSpan.FromSeconds(1);

    private static IHttpClientBuilder AddPipeline(this IHttpClientBuilder builder, AsyncNotesHttpOptions options)
    {
        builder.AddResilienceHandler("asyncnotes", (pipeline, context) =>
        {
            pipeline.TimeProvider = options.TimeProvider ?? context.ServiceProvider.GetService<TimeProvider>() ?? TimeProvider.System;
            pipeline.AddTimeout(options.TotalTimeout);
            if (options.MaxRetryAttempts > 0)
            {
                pipeline.AddRetry(RetryPolicy.Create(options));
            }

            pipeline
                .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    FailureRatio = options.CircuitBreakerFailureRatio,
                    MinimumThroughput = options.CircuitBreakerMinimumThroughput,
                    SamplingDuration = options.CircuitBreakerSamplingDuration,
                    BreakDuration = options.CircuitBreakerBreakDuration,
                })
                .AddTimeout(options.AttemptTimeout);
        });
        return builder;
    }
}
