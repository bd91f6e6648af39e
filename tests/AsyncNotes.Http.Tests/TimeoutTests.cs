using System.Diagnostics;
using Polly.Timeout;

namespace AsyncNotes.Http.Tests;

/// <summary>Each attempt has its own timeout (then retried), and the whole request has one that bounds them all.</summary>
public sealed class TimeoutTests : ServerTest
{
    [Fact]
    public async Task Get_EveryAttemptTimesOut_EachIsAbortedThenTimeoutRejectedException()
    {
        await using var client = TestClient.Create(Server, o =>
        {
            o.MaxRetryAttempts = 1;
            o.AttemptTimeout = TimeSpan.FromMilliseconds(200);
        });

        Func<Task> get = () => client.Http.GetAsync(Rel("slow?ms=5000"), Ct);

        // The exact type: Polly's exception passes through HttpClient unwrapped (it is not an OperationCanceledException).
        (await get.Should().ThrowExactlyAsync<TimeoutRejectedException>())
            .Which.Timeout.Should().Be(TimeSpan.FromMilliseconds(200), "the per-attempt timeout fired, not the total one");
        Server.Attempts("slow").Should().Be(2);
        await Server.WaitUntilAsync(s => s.Aborted == 2, Ct);
        Server.InFlight.Should().Be(0);
    }

    [Fact]
    public async Task Get_TotalTimeoutShorterThanTheAttempts_EndsEarlierWithTheTotalTimeout()
    {
        // Four attempts of 400 ms would take 1.6 s and more; the total timeout of 600 ms cuts the second one in its middle
        // (200 ms from either edge, so that a late timer cannot blur which timeout fired).
        await using var client = TestClient.Create(Server, o =>
        {
            o.MaxRetryAttempts = 3;
            o.AttemptTimeout = TimeSpan.FromMilliseconds(400);
            o.TotalTimeout = TimeSpan.FromMilliseconds(600);
        });
        long start = Stopwatch.GetTimestamp();

        Func<Task> get = () => client.Http.GetAsync(Rel("slow?ms=5000"), Ct);

        (await get.Should().ThrowExactlyAsync<TimeoutRejectedException>())
            .Which.Timeout.Should().Be(TimeSpan.FromMilliseconds(600), "the total timeout fired");
        Stopwatch.GetElapsedTime(start).Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(590));
        Server.Attempts("slow").Should().BeInRange(1, 2);
        await Server.WaitUntilAsync(s => s.Aborted == s.Attempts("slow"), Ct);
    }

    [Fact]
    public async Task ABodyThatStalls_AfterItsHeaders_EndsAtHttpClientTimeout_NotNever()
    {
        // The pipeline ends at the headers; AddAsyncNotesHttpClient sets HttpClient.Timeout to TotalTimeout + 1 s, which
        // bounds the buffered body, so a fetch of a body that stalls ends (a TimeoutException inside), and is not retried.
        await using var client = TestClient.Create(Server, o =>
        {
            o.AttemptTimeout = TimeSpan.FromMilliseconds(300);
            o.TotalTimeout = TimeSpan.FromMilliseconds(500);
        });

        Func<Task> fetch = () => client.Http.GetAllStringsAsync([Rel("stall-body")], maxConcurrency: 1, cancellationToken: Ct);

        (await fetch.Should().ThrowAsync<TaskCanceledException>()).WithInnerException<TimeoutException>();
        Server.Attempts("stall-body").Should().Be(1, "a body is read after the pipeline: never retried");
    }
}
