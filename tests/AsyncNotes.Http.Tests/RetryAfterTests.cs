using System.Net;

namespace AsyncNotes.Http.Tests;

/// <summary>A 429 with <c>Retry-After</c> makes the client wait as long as the server asks, not its own back-off.</summary>
public sealed class RetryAfterTests : ServerTest
{
    [Fact]
    public async Task Get_429WithRetryAfterOneSecond_AsksTheClockForExactlyOneSecond()
    {
        // The back-off alone would be ~10 ms; the delay the pipeline asks its TimeProvider for is the header's, exactly.
        var clock = new DelayWatchingTimeProvider(longest: TimeSpan.FromSeconds(5));
        await using var client = TestClient.Create(Server, o =>
        {
            o.MaxRetryAttempts = 2;
            o.TimeProvider = clock;
            o.AttemptTimeout = TimeSpan.FromSeconds(10);
            o.TotalTimeout = TimeSpan.FromSeconds(20);
        });

        using HttpResponseMessage response = await client.Http.GetAsync(Rel("retry-after/a?seconds=1"), Ct);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Server.Attempts("retry-after/a").Should().Be(2);
        clock.Delays.Should().Equal(TimeSpan.FromSeconds(1));
    }
}
