namespace AsyncNotes.Http.Tests;

/// <summary>At most <c>maxConcurrency</c> requests are in flight on the server, and the limit is reached.</summary>
public sealed class FetchAllConcurrencyTests : ServerTest
{
    [Theory]
    [InlineData(50, 8)]
    [InlineData(10, 1)]
    [InlineData(5, 5)]
    public async Task FetchAllAsync_Limit_ServerSeesExactlyThatManyAtOnce(int count, int limit)
    {
        // The server holds the first requests until `limit` are in flight at once: the fetch can only finish if it
        // reaches the limit, and the high-water mark shows it never passes it.
        Server.HoldUntilInFlight(limit);
        await using var client = TestClient.Create(Server);
        Uri[] uris = [.. Enumerable.Range(0, count).Select(i => Rel($"ok/{i}"))];

        User[] users = await client.Http.GetAllFromJsonAsync(uris, TestJson.Default.User, limit, cancellationToken: Ct)
            .WaitAsync(TimeSpan.FromSeconds(30), Ct);

        users.Select(u => u.Id).Should().Equal(Enumerable.Range(0, count));
        Server.MaxInFlight.Should().Be(limit);
    }
}
