namespace AsyncNotes.Http.Tests;

/// <summary>On an AsyncNotes event loop the fetch works as anywhere, and its continuation comes back to the loop.</summary>
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

        User[] users = AsyncIO.Run(async () =>
        {
            EventLoop? loop = EventLoop.Current;
            User[] result = await client.Http.GetAllFromJsonAsync(uris, TestJson.Default.User, maxConcurrency: 4, cancellationToken: Ct);
            loopAfter = EventLoop.Current;
            threadAfter = Environment.CurrentManagedThreadId;
            loopAfter.Should().BeSameAs(loop);
            return result;
        });

        users.Select(u => u.Id).Should().Equal(Enumerable.Range(0, 12));
        loopAfter.Should().NotBeNull();
        threadAfter.Should().Be(loopThread);
    }
}
