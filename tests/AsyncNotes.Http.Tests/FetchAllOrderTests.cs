namespace AsyncNotes.Http.Tests;

/// <summary>Results come in input order, whatever order the answers arrive in; every reader gets its response.</summary>
public sealed class FetchAllOrderTests : ServerTest
{
    // Later URIs answer sooner: 20 ids, the first slowest.
    private static Uri[] SlowFirst(int count) =>
        [.. Enumerable.Range(0, count).Select(i => Rel($"ok/{i}?delayMs={(count - i) * 10}"))];

    [Fact]
    public async Task GetAllFromJsonAsync_LaterUrisAnswerSooner_ResultsInInputOrder()
    {
        await using var client = TestClient.Create(Server);

        User[] users = await client.Http.GetAllFromJsonAsync(SlowFirst(20), TestJson.Default.User, maxConcurrency: 20, cancellationToken: Ct);

        users.Should().Equal(Enumerable.Range(0, 20).Select(i => new User(i, $"user {i}")));
    }

    [Fact]
    public async Task GetAllStringsAsync_LaterUrisAnswerSooner_ResultsInInputOrder()
    {
        await using var client = TestClient.Create(Server);

        string[] bodies = await client.Http.GetAllStringsAsync(SlowFirst(20), maxConcurrency: 5, cancellationToken: Ct);

        bodies.Should().Equal(Enumerable.Range(0, 20).Select(i => $$"""{"id":{{i}},"name":"user {{i}}"}"""));
    }

    [Fact]
    public async Task FetchAllAsync_CustomReader_GetsEachResponseInInputOrder()
    {
        await using var client = TestClient.Create(Server);

        string?[] paths = await client.Http.FetchAllAsync(
            SlowFirst(10), (response, _) => Task.FromResult(response.RequestMessage?.RequestUri?.AbsolutePath), maxConcurrency: 10, cancellationToken: Ct);

        paths.Should().Equal(Enumerable.Range(0, 10).Select(i => $"/ok/{i}"));
    }

    [Fact]
    public async Task FetchAllAsync_AbsoluteAndRelativeUris_BothReachTheServer()
    {
        await using var client = TestClient.Create(Server);
        Uri[] uris = [new Uri(Server.BaseAddress, "ok/1"), Rel("ok/2")];

        string[] bodies = await client.Http.GetAllStringsAsync(uris, maxConcurrency: 2, cancellationToken: Ct);

        bodies.Should().HaveCount(2);
        Server.Attempts("ok/1").Should().Be(1);
        Server.Attempts("ok/2").Should().Be(1);
    }

    [Fact]
    public async Task FetchAllAsync_NoUris_ReturnsEmpty()
    {
        await using var client = TestClient.Create(Server);

        string[] bodies = await client.Http.GetAllStringsAsync([], maxConcurrency: 4, cancellationToken: Ct);

        bodies.Should().BeEmpty();
    }
}
