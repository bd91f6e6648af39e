using System.Diagnostics;

namespace AsyncNotes.Http.Tests;

/// <summary>Ten thousand GETs through a limit of 64: none lost, none duplicated, in order, the limit reached and never passed.</summary>
public sealed class LoadTests : ServerTest
{
    [Fact]
    public async Task GetAllFromJsonAsync_TenThousandGets_EachAnsweredExactlyOnceInOrder()
    {
        const int Count = 10_000;
        const int Limit = 64;
        Server.HoldUntilInFlight(Limit); // the first 64 wait for one another: proof that the limit is reached
        await using var client = TestClient.Create(Server);
        Uri[] uris = [.. Enumerable.Range(0, Count).Select(i => Rel($"ok/{i}"))];
        long start = Stopwatch.GetTimestamp();

        User[] users = await client.Http.GetAllFromJsonAsync(uris, TestJson.Default.User, Limit, cancellationToken: Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);

        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        users.Select(u => u.Id).Should().Equal(Enumerable.Range(0, Count));
        IReadOnlyDictionary<string, int> attempts = Server.AllAttempts();
        attempts.Should().HaveCount(Count);
        attempts.Values.Should().OnlyContain(n => n == 1, "no request is lost or sent twice");
        Server.MaxInFlight.Should().Be(Limit);
        elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20));
        TestContext.Current.TestOutputHelper?.WriteLine($"{Count} GETs in {elapsed.TotalMilliseconds:F0} ms, at most {Server.MaxInFlight} in flight");
    }
}
