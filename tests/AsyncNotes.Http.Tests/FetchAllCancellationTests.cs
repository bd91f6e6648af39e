namespace AsyncNotes.Http.Tests;

/// <summary>Cancelling the fetch aborts the requests in flight (the server sees them go), starts no more, and throws
/// <see cref="OperationCanceledException"/>.</summary>
public sealed class FetchAllCancellationTests : ServerTest
{
    [Fact]
    public async Task FetchAllAsync_Cancelled_AbortsTheRequestsInFlightAndStartsNoMore()
    {
        await using var client = TestClient.Create(Server);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        Uri[] uris = [.. Enumerable.Range(0, 10).Select(_ => Rel("slow?ms=30000"))];
        Task<string[]> fetch = client.Http.GetAllStringsAsync(uris, maxConcurrency: 4, cancellationToken: cts.Token);
        await Server.WaitUntilAsync(s => s.InFlight == 4, Ct);

        await cts.CancelAsync();

        await fetch.Awaiting(f => f).Should().ThrowAsync<OperationCanceledException>();
        await Server.WaitUntilAsync(s => s.Aborted == 4, Ct);
        Server.Attempts("slow").Should().Be(4, "nothing starts after the cancellation, and nothing is retried");
    }

    [Fact]
    public async Task FetchAllAsync_ReturnExceptionsCancelled_ThrowsOperationCanceledToo()
    {
        await using var client = TestClient.Create(Server);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        Uri[] uris = [Rel("ok/1"), Rel("slow?ms=30000"), Rel("slow?ms=30000")];
        Task<Outcome<string>[]> fetch = client.Http.FetchAllAsync(uris, (r, ct) => r.Content.ReadAsStringAsync(ct), 3, returnExceptions: true, cancellationToken: cts.Token);
        await Server.WaitUntilAsync(s => s.Attempts("slow") == 2 && s.InFlight == 2, Ct);

        await cts.CancelAsync();

        await fetch.Awaiting(f => f).Should().ThrowAsync<OperationCanceledException>();
        await Server.WaitUntilAsync(s => s.Aborted == 2, Ct);
    }

    [Fact]
    public async Task FetchAllAsync_AlreadyCancelled_SendsNothing()
    {
        await using var client = TestClient.Create(Server);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        Func<Task> fetch = () => client.Http.GetAllStringsAsync([Rel("ok/1")], maxConcurrency: 1, cancellationToken: cts.Token);

        await fetch.Should().ThrowAsync<OperationCanceledException>();
        Server.AllAttempts().Should().BeEmpty();
    }
}
