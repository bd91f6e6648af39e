namespace AsyncNotes.Http.Tests;

/// <summary>Progress hears of each request as it ends: Completed 1..N, Total N, and the failures so far.</summary>
public sealed class FetchAllProgressTests : ServerTest
{
    [Fact]
    public async Task GetAllStringsAsync_Progress_ReportsEveryCompletionOnce()
    {
        await using var client = TestClient.Create(Server);
        var progress = new SyncProgress();
        Uri[] uris = [.. Enumerable.Range(0, 30).Select(i => Rel($"ok/{i}"))];

        await client.Http.GetAllStringsAsync(uris, maxConcurrency: 4, progress, Ct);

        // Reports come from the threads the requests ended on: each count once, not necessarily in order.
        progress.Reports.Select(p => p.Completed).Should().BeEquivalentTo(Enumerable.Range(1, 30));
        progress.Reports.Should().OnlyContain(p => p.Total == 30 && p.Failed == 0);
    }
}
