using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace AsyncNotes.Http;

/// <summary>What is retried, and how: transient failures of requests that may be sent twice.</summary>
internal static class RetryPolicy
{
    /// <summary>The header that makes a POST or PATCH safe to send again (the server deduplicates by it).</summary>
    public const string IdempotencyKey = "Idempotency-Key";

    public static HttpRetryStrategyOptions Create(AsyncNotesHttpOptions options) => new()
    {
        MaxRetryAttempts = options.MaxRetryAttempts,
        Delay = options.RetryBaseDelay,
        BackoffType = DelayBackoffType.Exponential,
        UseJitter = true,
        ShouldRetryAfterHeader = true,
        ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context)),
    };

    // The caller's cancellation is not looked at here: were a cancelled caller's 503 "not handled", Polly would return it
    // as the final answer. Handled, it goes to the delay, which throws OperationCanceledException at once.
    private static bool ShouldRetry(Polly.Outcome<HttpResponseMessage> outcome, ResilienceContext context) =>
        HttpClientResiliencePredicates.IsTransient(outcome)
        && outcome.Result?.StatusCode is not (HttpStatusCode.NotImplemented or HttpStatusCode.HttpVersionNotSupported)
        && MaySendTwice(context.GetRequestMessage());

    // RFC 9110's idempotent methods, or a request the server can deduplicate.
    private static bool MaySendTwice(HttpRequestMessage? request) =>
        request is not null
        && (request.Method == HttpMethod.Get || request.Method == HttpMethod.Head || request.Method == HttpMethod.Options
            || request.Method == HttpMethod.Trace || request.Method == HttpMethod.Put || request.Method == HttpMethod.Delete
            || request.Headers.Contains(IdempotencyKey));
}
