using System.Diagnostics;
using System.Net;

namespace AsyncNotes.Http.Tests;

/// <summary>A 429 with <c>Retry-After</c> makes the client wait as long as the server asks, not its own back-off.</summary>
public sealed class RetryAfterTests : ServerTest
{
    [Fact]
    public async Task Get_429WithRetryAfterOneSecond_WaitsAboutASecondBeforeTheNextAttempt()
    {
        // The back-off alone would be ~10 ms: only the header can explain a second between the attempts.
        using var client = TestClient.Create(Server, o => o.MaxRetryAttempts = 2);

        using HttpResponseMessage response = await client.Http.GetAsync(Rel("retry-after/a?seconds=1"), Ct);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        long[] at = Server.AttemptTimestamps("retry-after/a");
        at.Should().HaveCount(2);
        Stopwatch.GetElapsedTime(at[0], at[1]).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(0.9));
    }
}
