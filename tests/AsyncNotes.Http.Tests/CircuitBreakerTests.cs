using System.Net;
using Polly.CircuitBreaker;

namespace AsyncNotes.Http.Tests;

/// <summary>Enough failures open the circuit; an open circuit throws <see cref="BrokenCircuitException"/> without sending.</summary>
public sealed class CircuitBreakerTests : ServerTest
{
    [Fact]
    public async Task Get_AfterEnoughFailures_ThrowsBrokenCircuitWithoutReachingTheServer()
    {
        // Two attempts, both failed: the minimum throughput reached, and a ratio of failures (1) above the 0.5 asked, so the circuit opens on the second.
        await using var client = TestClient.Create(Server, o =>
        {
            o.MaxRetryAttempts = 1;
            o.CircuitBreakerMinimumThroughput = 2;
            o.CircuitBreakerFailureRatio = 0.5;
            o.CircuitBreakerSamplingDuration = TimeSpan.FromSeconds(30);
            o.CircuitBreakerBreakDuration = TimeSpan.FromSeconds(30);
        });
        using (HttpResponseMessage first = await client.Http.GetAsync(Rel("status/503"), Ct))
        {
            first.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        }

        Server.Attempts("status/503").Should().Be(2);

        Func<Task> next = () => client.Http.GetAsync(Rel("status/503"), Ct);

        await next.Should().ThrowAsync<BrokenCircuitException>();
        Server.Attempts("status/503").Should().Be(2, "an open circuit sends nothing");
    }

    [Fact]
    public async Task Get_CircuitOpensDuringTheRetries_TheNextRetryThrowsBrokenCircuit()
    {
        // The third attempt of the same request meets the circuit the first two opened: not sent, not retried.
        await using var client = TestClient.Create(Server, o =>
        {
            o.MaxRetryAttempts = 3;
            o.CircuitBreakerMinimumThroughput = 2;
            o.CircuitBreakerBreakDuration = TimeSpan.FromSeconds(30);
        });

        Func<Task> get = () => client.Http.GetAsync(Rel("status/500"), Ct);

        await get.Should().ThrowAsync<BrokenCircuitException>();
        Server.Attempts("status/500").Should().Be(2);
    }

    [Fact]
    public async Task Get_ClientErrors_DoNotOpenTheCircuit()
    {
        await using var client = TestClient.Create(Server, o => o.CircuitBreakerMinimumThroughput = 2);

        for (int i = 0; i < 4; i++)
        {
            using HttpResponseMessage response = await client.Http.GetAsync(Rel("status/404"), Ct);
            response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        }

        Server.Attempts("status/404").Should().Be(4);
    }
}
