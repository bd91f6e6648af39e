namespace AsyncNotes.Http.Tests;

/// <summary>In the loop's debug mode (<see cref="EventLoopOptions.Debug"/>), an AsyncNotes call made off the loop's thread by
/// the loop's own code throws. The package's fetch never causes that: its awaits come back to the loop, and the resilience
/// pipeline (retries, delays on the loop's clock, timeouts) calls no AsyncNotes API from the threads it runs on.</summary>
public sealed class DebugModeTests : ServerTest
{
    [Fact]
    public void FetchAllAsync_InDebugMode_WithRetriesOnTheLoopsClock_ReportsNothing_AndTheReadDelegateIsOnTheLoop()
    {
        Uri[] uris = [.. Enumerable.Range(0, 6).Select(i => Rel($"flaky/debug-{i}?failures={i % 3}&status=503"))];
        var options = new EventLoopOptions { Debug = true };

        (string[] bodies, int offLoopReads) = AsyncIO.Run(
            async () =>
            {
                await using var client = TestClient.Create(Server, o => o.TimeProvider = EventLoop.Current!.Time);
                int offLoop = 0;
                string[] result = await client.Http.FetchAllAsync(
                    uris,
                    async (response, ct) =>
                    {
                        offLoop += EventLoop.Current is null ? 1 : 0;
                        await AsyncIO.SleepAsync(TimeSpan.Zero, ct); // an AsyncNotes call: debug mode would throw off the loop
                        return await response.Content.ReadAsStringAsync(ct);
                    },
                    maxConcurrency: 3,
                    cancellationToken: Ct);
                return (result, offLoop);
            },
            options);

        bodies.Should().Equal(Enumerable.Repeat("ok", 6));
        offLoopReads.Should().Be(0);
        Enumerable.Range(0, 6).Select(i => Server.Attempts($"flaky/debug-{i}")).Should().Equal([1, 2, 3, 1, 2, 3], "each URL failed i % 3 times and was retried on the loop's clock");
    }
}
