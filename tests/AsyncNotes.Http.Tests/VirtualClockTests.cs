using System.Diagnostics;
using System.Net;

namespace AsyncNotes.Http.Tests;

/// <summary>The resilience pipeline's delays and timeouts run on the injected <see cref="TimeProvider"/>: given an event
/// loop's virtual clock, minutes of back-off pass in no real time, while the HTTP itself is real.</summary>
public sealed class VirtualClockTests : ServerTest
{
    [Fact]
    public async Task Retries_OnTheLoopsVirtualClock_WaitInVirtualTime_NotInRealTime()
    {
        // The requests are real sockets, which a virtual loop does not track: AutoJumpThreshold lets the loop wait that
        // long in real time for a completion before its clock jumps to the next timer (a retry's delay).
        var options = EventLoopOptions.Virtual with { AutoJumpThreshold = TimeSpan.FromMilliseconds(500) };
        long started = Stopwatch.GetTimestamp();

        (HttpStatusCode status, TimeSpan virtualElapsed) = await Task.Run(
            () => AsyncIO.Run(
                async () =>
                {
                    await using var client = TestClient.Create(Server, o =>
                    {
                        o.TimeProvider = EventLoop.Current!.Time;
                        o.RetryBaseDelay = TimeSpan.FromMinutes(10);
                        o.AttemptTimeout = TimeSpan.FromHours(1);
                        o.TotalTimeout = TimeSpan.FromHours(23);
                    });
                    using HttpResponseMessage response = await client.Http.GetAsync(Rel("flaky/virtual?failures=2&status=503"), Ct);
                    return (response.StatusCode, EventLoop.Current!.Elapsed);
                },
                options),
            Ct);

        status.Should().Be(HttpStatusCode.OK);
        Server.Attempts("flaky/virtual").Should().Be(3, "two 503s, then the answer");
        virtualElapsed.Should().BeGreaterThan(TimeSpan.FromMinutes(1), "two back-off delays from a 10-minute base passed on the loop's clock");
        Stopwatch.GetElapsedTime(started).Should().BeLessThan(TimeSpan.FromMinutes(1), "no back-off delay was waited in real time");
    }
}
