namespace AsyncNotes.Http;

/// <summary>The resilience of an <see cref="HttpClient"/> registered with
/// <see cref="AsyncNotesHttpClientBuilderExtensions.AddAsyncNotesResilience"/>: retries, timeouts and a circuit breaker,
/// with defaults a production team would accept.</summary>
/// <remarks>
/// <para>asyncio has no counterpart: an aiohttp session retries nothing and has one <c>ClientTimeout</c>. The Python a
/// team writes instead (tenacity's <c>@retry(wait=wait_exponential_jitter(), stop=stop_after_attempt(4))</c> around each
/// fetch, plus <c>aiohttp.ClientTimeout(total=30)</c>) is what these options replace:</para>
/// <code>@retry(stop=stop_after_attempt(4), wait=wait_exponential_jitter(initial=0.2))</code>
/// <list type="bullet">
///   <item>Times are <see cref="TimeSpan"/>s on <see cref="TimeProvider"/> (the system clock when <see langword="null"/>
///   and none is registered in the container).</item>
///   <item>Retried: transient failures only (a 5xx answer but 501 and 505, a 408 and 429, a connection failure, an
///   attempt that timed out),
///   and only for a request that may be sent twice: GET, HEAD, OPTIONS, TRACE, PUT, DELETE, or any request with an
///   <c>Idempotency-Key</c> header. A 4xx other than 408 and 429 is never retried, nor a POST or PATCH without the header.</item>
///   <item>A retried answer with <c>Retry-After</c> (a 429 or 503, typically) waits as long as the server asks, instead
///   of the back-off, within <see cref="TotalTimeout"/>.</item>
/// </list>
/// <para>Differs from <c>AddStandardResilienceHandler()</c> (Microsoft.Extensions.Http.Resilience), which this builds
/// on: that one retries a POST; this one does not, unless the request carries an idempotency key.</para>
/// </remarks>
public sealed class AsyncNotesHttpOptions
{
    /// <summary>How many times a failed attempt is retried (so at most this many plus one attempts); 3 by default; 0 turns
    /// retries off.</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The first retry's delay; each next one doubles it, with jitter. 200 ms by default; at most a day.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The time one attempt may take before it is abandoned (and, if retries remain, retried). 10 s by default;
    /// from 10 ms to a day.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The time the whole request may take until its response's headers, every attempt and delay included; then
    /// it fails with Polly's <c>TimeoutRejectedException</c>. (The body is read after the pipeline, bounded by
    /// <see cref="HttpClient.Timeout"/>, which <c>AddAsyncNotesHttpClient</c> sets one second above this.) 30 s by default; at least <see cref="AttemptTimeout"/>, at most a day.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The share of failed attempts, within <see cref="CircuitBreakerSamplingDuration"/>, that opens the circuit;
    /// 0.5 by default.</summary>
    public double CircuitBreakerFailureRatio { get; set; } = 0.5;

    /// <summary>How many attempts must be seen within the sampling duration before the circuit may open; 20 by default.</summary>
    public int CircuitBreakerMinimumThroughput { get; set; } = 20;

    /// <summary>The window over which the failure ratio is measured; 30 s by default.</summary>
    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit rejects requests (with Polly's <c>BrokenCircuitException</c>) before it lets
    /// one through to test the server; 5 s by default.</summary>
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The clock of every delay and timeout above: an event loop's <see cref="EventLoop.Time"/> in tests, or
    /// <see langword="null"/> for the one registered in the container, or else the system clock.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for a value Polly would refuse, at registration rather
    /// than at the first client: timeouts from 10 ms to a day, the overall one at least the per-attempt one; a retry delay
    /// up to a day; a failure ratio above 0 and at most 1; a throughput of at least 2; sampling and break durations from
    /// half a second to a day.</summary>
    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRetryAttempts, nameof(MaxRetryAttempts));
        InRange(RetryBaseDelay, TimeSpan.Zero, OneDay, nameof(RetryBaseDelay));
        InRange(AttemptTimeout, MinimumTimeout, OneDay, nameof(AttemptTimeout));
        InRange(TotalTimeout, AttemptTimeout, OneDay, nameof(TotalTimeout));
        if (CircuitBreakerFailureRatio is <= 0 or > 1 || double.IsNaN(CircuitBreakerFailureRatio))
        {
            throw new ArgumentOutOfRangeException(nameof(CircuitBreakerFailureRatio), CircuitBreakerFailureRatio, "The failure ratio must be above 0 and at most 1.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(CircuitBreakerMinimumThroughput, 2, nameof(CircuitBreakerMinimumThroughput));
        InRange(CircuitBreakerSamplingDuration, MinimumBreakerWindow, OneDay, nameof(CircuitBreakerSamplingDuration));
        InRange(CircuitBreakerBreakDuration, MinimumBreakerWindow, OneDay, nameof(CircuitBreakerBreakDuration));
    }

    private static readonly TimeSpan OneDay = TimeSpan.FromDays(1);
    private static readonly TimeSpan MinimumTimeout = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MinimumBreakerWindow = TimeSpan.FromMilliseconds(500);

    private static void InRange(TimeSpan value, TimeSpan least, TimeSpan most, string name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, least, name);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, most, name);
    }
}
