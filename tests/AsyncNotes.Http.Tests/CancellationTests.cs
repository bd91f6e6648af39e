using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Polly;

namespace AsyncNotes.Http.Tests;

/// <summary>The caller's cancellation ends the request at once with <see cref="OperationCanceledException"/>, during an
/// attempt or a retry delay, and is never answered with the last response instead.</summary>
public sealed class CancellationTests : ServerTest
{
    [Fact]
    public void PollyCore_IsVersion891()
    {
        // Older Polly returned the last outcome (a 503) instead of throwing when the caller cancelled during a delay.
        typeof(ResiliencePipeline).Assembly.GetName().Version.Should().Be(new Version(8, 0, 0, 0), "Polly's assembly version is 8.0.0.0 for every 8.x");
        System.Diagnostics.FileVersionInfo.GetVersionInfo(typeof(ResiliencePipeline).Assembly.Location).ProductVersion.Should().StartWith("8.9.1");
    }

    [Fact]
    public async Task Get_CancelledDuringAnAttempt_ThrowsOperationCanceledAndTheServerSeesTheAbort()
    {
        await using var client = TestClient.Create(Server, o => o.MaxRetryAttempts = 3);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        Task<HttpResponseMessage> get = client.Http.GetAsync(Rel("slow?ms=30000"), cts.Token);
        await Server.WaitUntilAsync(s => s.InFlight == 1, Ct);

        await cts.CancelAsync();

        await get.Awaiting(g => g).Should().ThrowAsync<OperationCanceledException>();
        await Server.WaitUntilAsync(s => s.Aborted == 1, Ct);
        Server.Attempts("slow").Should().Be(1, "a cancelled attempt is not retried");
    }

    [Fact]
    public async Task Get_CancelledDuringARetryDelay_ThrowsOperationCanceledNotThe503()
    {
        // A retry delay of seconds and timeouts of minutes: the only short timer the pipeline creates is the delay.
        var clock = new DelayWatchingTimeProvider(TimeSpan.FromMinutes(1));
        await using var client = TestClient.Create(Server, o =>
        {
            o.MaxRetryAttempts = 3;
            o.RetryBaseDelay = TimeSpan.FromSeconds(20);
            o.AttemptTimeout = TimeSpan.FromMinutes(5);
            o.TotalTimeout = TimeSpan.FromMinutes(10);
            o.TimeProvider = clock;
        });
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        Task<HttpResponseMessage> get = client.Http.GetAsync(Rel("flaky/a?failures=100&status=503"), HttpCompletionOption.ResponseHeadersRead, cts.Token);
        await clock.DelayStarted.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        await cts.CancelAsync();

        await get.Awaiting(g => g).Should().ThrowAsync<OperationCanceledException>();
        Server.Attempts("flaky/a").Should().Be(1);
    }

    [Fact]
    public async Task Get_CancelledAsThe503Arrives_ThrowsOperationCanceledNotThe503()
    {
        // The caller cancels after the server has answered 503 and before the retry strategy decides what to do with it
        // (a handler closer to the network cancels as the answer passes): "the last answer is not returned in its place".
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        await using var client = TestClient.Create(
            Server,
            o => o.MaxRetryAttempts = 3,
            b => b.AddHttpMessageHandler(() => new CancelOnResponseHandler(cts)));

        Func<Task<HttpResponseMessage>> get = () => client.Http.GetAsync(Rel("flaky/b?failures=100&status=503"), HttpCompletionOption.ResponseHeadersRead, cts.Token);

        await get.Should().ThrowAsync<OperationCanceledException>();
        Server.Attempts("flaky/b").Should().Be(1);
    }

    /// <summary>Cancels the caller's token when an answer comes back from the network, then passes the answer on.</summary>
    private sealed class CancelOnResponseHandler(CancellationTokenSource caller) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                await caller.CancelAsync();
            }

            return response;
        }
    }
}
