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

    // Rule: the token only stops work that has not started yet. Already cancelled: the work never runs.
    [Fact]
    public void ToThreadAsync_TokenCancelledBeforeTheWorkStarts_TheWorkNeverRunsAndTheTaskIsCancelled()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        int calls = 0;

        (TaskStatus Status, Exception? Error) seen = TestLoop.RunVirtual(async () =>
        {
            Task<int> task = AsyncIO.ToThreadAsync(() => Interlocked.Increment(ref calls), cts.Token);
            Exception? error = await Record.ExceptionAsync(() => task);
            return (task.Status, error);
        });

        seen.Status.Should().Be(TaskStatus.Canceled);
        seen.Error.Should().BeAssignableTo<OperationCanceledException>();
        calls.Should().Be(0);
    }

    // Rule: the token only stops work that has not started yet. Cancelled while the work runs: the work runs to the end
    // and its result is returned (a thread cannot be interrupted, as in Python).
    [Fact]
    public void ToThreadAsync_TokenCancelledWhileTheWorkRuns_TheWorkFinishesAndItsResultIsReturned()
    {
        using var started = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();

        (TaskStatus Status, int Result, bool SawTheCancel) seen = TestLoop.RunVirtual(async () =>
        {
            using var cts = new CancellationTokenSource();
            bool sawTheCancel = false;
            Task<int> task = AsyncIO.ToThreadAsync(
                () =>
                {
                    started.Set();
                    release.Wait(TimeSpan.FromSeconds(30)).Should().BeTrue();
                    sawTheCancel = cts.IsCancellationRequested;
                    return 5;
                },
                cts.Token);

            // Wait for the start without blocking the loop: a second piece of tracked work does the waiting.
            (await AsyncIO.ToThreadAsync(() => started.Wait(TimeSpan.FromSeconds(30)))).Should().BeTrue();
            cts.CancelOnLoop();
            release.Set();
            int result = await task;
            return (task.Status, result, sawTheCancel);
        });

        seen.Should().Be((TaskStatus.RanToCompletion, 5, true));
    }

    // Rule: the result comes back to the loop as one ready callback, in FIFO order. A was queued before the result, B after
    // it: the awaiter resumes after A and before B. Resuming inline on the worker would put it before A; a second hop
    // through the queue would put it after B.
    [Fact]
    public void ToThreadAsync_TheResultComesBackAsOneReadyCallbackInFifoOrder()
    {
        var log = new EventLog();
        using var release = new ManualResetEventSlim();
        int loopThread = 0;

        TestLoop.RunVirtual(async () =>
        {
            EventLoop loop = TestLoop.Current;
            SynchronizationContext context = SynchronizationContext.Current!;
            loopThread = Environment.CurrentManagedThreadId;
            var bRan = new TaskCompletionSource();
            Task<int> work = AsyncIO.ToThreadAsync(() =>
            {
                release.Wait(TimeSpan.FromSeconds(30)).Should().BeTrue();
                return 1;
            });

            context.Post(_ => log.Add("A"), null);
            release.Set();

            // Block this callback (bounded) until the worker has queued its completion behind A, then queue B.
            SpinWait.SpinUntil(() => loop.ReadyCount == 2, TimeSpan.FromSeconds(30)).Should().BeTrue();
            context.Post(
                _ =>
                {
                    log.Add("B");
                    bRan.SetResult();
                },
                null);

            int result = await work;
            log.Add($"result {result} on the loop thread={Environment.CurrentManagedThreadId == loopThread}");
            await bRan.Task;
        });

        // As asyncio's to_thread: the worker's completion is one callback queued behind A (call_soon_threadsafe), which decides
        // the result; the awaiting task is scheduled from there, behind B. (This test once encoded an inline resumption.)
        log.Entries.Should().Equal("A", "B", "result 1 on the loop thread=True");
    }
}
