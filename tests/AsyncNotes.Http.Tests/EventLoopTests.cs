using System.Net.Http.Json;

namespace AsyncNotes.Http.Tests;

/// <summary>On an AsyncNotes event loop the fetch works as anywhere, and its own awaits come back to the loop: the read
/// delegate and the caller's continuation run on the loop thread.</summary>
public sealed class EventLoopTests : ServerTest
{
    [Fact]
    public void FetchAllAsync_OnAnEventLoop_ResultsInOrderAndBackOnTheLoopThread()
    {
        using var client = TestClient.Create(Server);
        Uri[] uris = [.. Enumerable.Range(0, 12).Select(i => Rel($"ok/{i}?delayMs={(12 - i) * 5}"))];
        int loopThread = Environment.CurrentManagedThreadId; // AsyncIO.Run runs the loop on the calling thread
        EventLoop? loopAfter = null;
        int threadAfter = -1;

        var readOn = new List<(EventLoop? Loop, int Thread)>();
        User[] users = AsyncIO.Run(async () =>
        {
            EventLoop? loop = EventLoop.Current;
            User[] result = await client.Http.FetchAllAsync(
                uris,
                async (response, ct) =>
                {
                    readOn.Add((EventLoop.Current, Environment.CurrentManagedThreadId)); // where the package resumed after its send
                    return (await response.Content.ReadFromJsonAsync(TestJson.Default.User, ct))!;
                },
                maxConcurrency: 4,
                cancellationToken: Ct);
            loopAfter = EventLoop.Current;
            threadAfter = Environment.CurrentManagedThreadId;
            loopAfter.Should().BeSameAs(loop);
            return result;
        });

        users.Select(u => u.Id).Should().Equal(Enumerable.Range(0, 12));
        readOn.Should().HaveCount(12).And.OnlyContain(r => r.Loop != null && r.Thread == loopThread, "the package's own awaits come back to the loop (and readOn, a plain list, is safe only there)");
        loopAfter.Should().NotBeNull();
        threadAfter.Should().Be(loopThread);
    }

    // With `using` instead of `await using` (AN0001 reports it), the same run hangs: Polly's registry, disposed
    // synchronously with the client's container, blocks the loop's thread until the requests still running end, and they
    // need that thread (checked by hand: this test then times out).
    [Fact]
    public async Task FetchAllAsync_OnAnEventLoop_AfterAFirstFailure_AwaitUsingDisposesTheContainer_WhileOthersRunOn()
    {
        Uri[] uris = [.. Enumerable.Range(0, 6).Select(i => Rel($"flaky/dispose-{i}?failures={i % 3}&status=503"))];
        int reads = 0;

        Task<string> run = Task.Run(
            () => AsyncIO.Run(async () =>
            {
                await using var client = TestClient.Create(Server, o => o.TimeProvider = EventLoop.Current!.Time);
                try
                {
                    _ = await client.Http.FetchAllAsync(
                        uris,
                        (response, ct) => reads++ == 0 ? throw new InvalidOperationException("the first read fails") : response.Content.ReadAsStringAsync(ct),
                        maxConcurrency: 3,
                        cancellationToken: Ct);
                    return "no failure";
                }
                catch (InvalidOperationException failure)
                {
                    return failure.Message;
                }
            }),
            Ct);

        (await run.WaitAsync(TimeSpan.FromSeconds(60), Ct)).Should().Be("the first read fails", "the run ends, its container disposed on the loop");
    }
}
