using System.Diagnostics;
using System.Net;

namespace AsyncNotes.Http.Tests;

/// <summary>The first failure is thrown at once (the others run on); with <c>returnExceptions</c>, one outcome per URI.</summary>
public sealed class FetchAllFailureTests : ServerTest
{
    [Fact]
    public async Task FetchAllAsync_A404_ThrowsHttpRequestExceptionAtOnceWhileTheOthersRunOn()
    {
        await using var client = TestClient.Create(Server);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        Uri[] uris = [Rel("slow?ms=30000"), Rel("status/404"), Rel("ok/1")];
        long start = Stopwatch.GetTimestamp();

        Func<Task> fetch = () => client.Http.GetAllStringsAsync(uris, maxConcurrency: 3, cancellationToken: cts.Token);

        (await fetch.Should().ThrowAsync<HttpRequestException>()).Which.StatusCode.Should().Be(HttpStatusCode.NotFound);
        Stopwatch.GetElapsedTime(start).Should().BeLessThan(TimeSpan.FromSeconds(20), "the 30 s request was not waited for");
        Server.Attempts("status/404").Should().Be(1, "a 404 is not retried");

        // The slow sibling still runs (asyncio's rule) until the caller's token cancels it.
        await Server.WaitUntilAsync(s => s.Attempts("slow") == 1 && s.InFlight == 1, Ct);
        await cts.CancelAsync();
        await Server.WaitUntilAsync(s => s.Aborted == 1, Ct);
    }

    [Fact]
    public async Task FetchAllAsync_A500AfterTheRetries_ThrowsWithItsStatusCode()
    {
        await using var client = TestClient.Create(Server, o => o.MaxRetryAttempts = 1);

        Func<Task> fetch = () => client.Http.GetAllStringsAsync([Rel("ok/1"), Rel("flaky/x?failures=100&status=500")], maxConcurrency: 2, cancellationToken: Ct);

        (await fetch.Should().ThrowAsync<HttpRequestException>()).Which.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        Server.Attempts("flaky/x").Should().Be(2);
    }

    [Fact]
    public async Task FetchAllAsync_ReturnExceptions_OneOutcomePerUriWithTheFailuresInPlace()
    {
        await using var client = TestClient.Create(Server, o => o.MaxRetryAttempts = 1);
        var progress = new SyncProgress();
        Uri[] uris = [Rel("ok/0"), Rel("status/404"), Rel("ok/2"), Rel("status/500"), Rel("drop/x?times=100"), Rel("flaky/y?failures=1")];

        Outcome<string>[] outcomes = await client.Http.FetchAllAsync(
            uris, (r, ct) => r.Content.ReadAsStringAsync(ct), maxConcurrency: 3, returnExceptions: true, progress, Ct);

        outcomes.Should().HaveCount(6);
        outcomes[0].Value.Should().Contain("\"id\":0");
        outcomes[1].Exception.Should().BeOfType<HttpRequestException>().Which.StatusCode.Should().Be(HttpStatusCode.NotFound);
        outcomes[2].Value.Should().Contain("\"id\":2");
        outcomes[3].Exception.Should().BeOfType<HttpRequestException>().Which.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        outcomes[4].IsFaulted.Should().BeTrue();
        outcomes[4].Exception.Should().BeOfType<HttpRequestException>().Which.StatusCode.Should().BeNull("no answer came: the connection was dropped");
        outcomes[5].Value.Should().Be("ok", "retried once after its 503");
        progress.Reports.Should().HaveCount(6);
        progress.Reports.Select(p => p.Completed).Should().BeEquivalentTo(Enumerable.Range(1, 6));
        progress.Reports.Should().OnlyContain(p => p.Total == 6);
        progress.Reports.Single(p => p.Completed == 6).Failed.Should().Be(3);
        progress.Reports.Should().OnlyContain(p => p.Failed <= p.Completed);
    }

    [Fact]
    public async Task GetAllFromJsonAsync_BodyNotJson_ThrowsJsonException()
    {
        await using var client = TestClient.Create(Server);

        // /flaky with no failures answers the text "ok": not a User.
        Func<Task> fetch = () => client.Http.GetAllFromJsonAsync([Rel("flaky/z?failures=0")], TestJson.Default.User, maxConcurrency: 1, cancellationToken: Ct);

        await fetch.Should().ThrowAsync<System.Text.Json.JsonException>();
    }
}
