using AsyncNotes.Tests.Infrastructure;

namespace AsyncNotes.Tests.EventLoops;

public sealed class TrackedWorkTests
{
    [Fact]
    public void ToThreadAsync_OnAVirtualLoop_TheClockDoesNotJumpWhileTheWorkIsInFlight()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            EventLoop loop = TestLoop.Current;
            Task sleeper = AsyncIO.CreateTask(async ct =>
            {
                await AsyncIO.SleepAsync(TestLoop.Seconds(1), ct);
                log.AddAt("sleeper woke");
            });

            TimeSpan seenByWorker = await AsyncIO.ToThreadAsync(() =>
            {
                // Hold the work until the loop has nothing else to do but wait for it (a one-second timer is armed):
                // if tracking failed, the loop would have jumped to t = 1 by now instead of blocking.
                SpinWait.SpinUntil(() => loop.IsBlockedOnTrackedWork, TimeSpan.FromSeconds(30)).Should().BeTrue();
                return loop.Elapsed;
            });
            log.AddAt($"worker saw t={seenByWorker.TotalSeconds}");
            await sleeper;
        });

        log.Entries.Should().Equal("worker saw t=0@0", "sleeper woke@1");
    }

    [Fact]
    public void ToThreadAsync_RunsTheWorkOnceOnAnotherThread_AndReturnsToTheLoopThread()
    {
        int calls = 0;

        (int Loop, int Worker, int After, int Result) seen = TestLoop.RunVirtual(async () =>
        {
            int loopThread = Environment.CurrentManagedThreadId;
            int worker = 0;
            int result = await AsyncIO.ToThreadAsync(() =>
            {
                Interlocked.Increment(ref calls);
                worker = Environment.CurrentManagedThreadId;
                return 5;
            });
            return (loopThread, worker, Environment.CurrentManagedThreadId, result);
        });

        calls.Should().Be(1);
        seen.Worker.Should().NotBe(seen.Loop);
        seen.After.Should().Be(seen.Loop);
        seen.Result.Should().Be(5);
    }

    [Fact]
    public void ToThreadAsync_WorkThrows_TheOriginalExceptionReachesTheAwaiter()
    {
        var failure = new IOException("disk");

        Exception? caught = TestLoop.RunVirtual(async () =>
        {
            try
            {
                await AsyncIO.ToThreadAsync(() => throw failure);
                return null;
            }
            catch (Exception ex)
            {
                return ex;
            }
        });

        caught.Should().BeSameAs(failure);
    }

    [Fact]
    public void ToThreadAsync_TenConcurrentCalls_AllComplete()
    {
        int[] results = TestLoop.RunVirtual(() => Task.WhenAll(Enumerable.Range(0, 10).Select(i => AsyncIO.ToThreadAsync(() => i * i))));

        results.Should().Equal(Enumerable.Range(0, 10).Select(i => i * i));
    }

    [Fact]
    public void ToThreadAsync_NullWork_ThrowsArgumentNullException()
    {
        Action withResult = () => _ = AsyncIO.ToThreadAsync((Func<int>)null!);
        Action withoutResult = () => _ = AsyncIO.ToThreadAsync((Action)null!);

        withResult.Should().Throw<ArgumentNullException>().WithParameterName("work");
        withoutResult.Should().Throw<ArgumentNullException>().WithParameterName("work");
    }
}
