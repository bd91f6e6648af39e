using AsyncNotes.Tests.Infrastructure;

namespace AsyncNotes.Tests.Executors;

#pragma warning disable xUnit1051 // Submit's token is the subject of two tests; elsewhere every wait that could hang has its own limit

// ThreadPoolExecutor and AsyncIO.RunInExecutorAsync (CASES section 10, TT). Work that blocks waits on events the test
// sets; nothing here sleeps to synchronise.
public sealed class ThreadPoolExecutorTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task NeverMoreThanMaxWorkersRunAtOnce_TheRestWaitInTheQueue()
    {
        await using var pool = new ThreadPoolExecutor(maxWorkers: 2);
        using var gate = new ManualResetEventSlim();
        using var started = new SemaphoreSlim(0);
        int running = 0;
        int most = 0;

        Task<int>[] work = [.. Enumerable.Range(0, 6).Select(i => pool.Submit(() =>
        {
            int now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            started.Release();
            gate.Wait(Patience, TestContext.Current.CancellationToken).Should().BeTrue();
            Interlocked.Decrement(ref running);
            return i;
        }))];

        (await started.WaitAsync(Patience, TestContext.Current.CancellationToken)).Should().BeTrue();
        (await started.WaitAsync(Patience, TestContext.Current.CancellationToken)).Should().BeTrue();
        Volatile.Read(ref running).Should().Be(2, "both workers are held at the gate, so no third function can start");
        pool.QueuedCount.Should().Be(4);

        gate.Set();

        (await Task.WhenAll(work)).Should().Equal(0, 1, 2, 3, 4, 5);
        most.Should().Be(2);
    }

    // More workers than the .NET thread pool keeps ready: each is a thread of its own, so all eight block at once.
    [Fact]
    public async Task EachWorker_IsAThreadOfItsOwn_SoMaxWorkersBlockingCallsRunTogether()
    {
        const int Workers = 8;
        await using var pool = new ThreadPoolExecutor(Workers);
        using var allThere = new Barrier(Workers);

        bool[] fromThePool = await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => pool.Submit(() =>
        {
            allThere.SignalAndWait(Patience, TestContext.Current.CancellationToken).Should().BeTrue("every call runs at the same time");
            return Thread.CurrentThread.IsThreadPoolThread;
        })));

        fromThePool.Should().AllBeEquivalentTo(false);
    }

    [Fact]
    public void OnALoop_AwaitingShutdownAsync_ResumesAfterEveryResultWasDelivered()
    {
        int notDelivered = RunVirtualLoopRounds(200, async () =>
        {
            var pool = new ThreadPoolExecutor(2);
            Task<int>[] work = [.. Enumerable.Range(0, 4).Select(i => pool.Submit(() => i))];
            await pool.ShutdownAsync();
            return work.Count(t => !t.IsCompleted);
        });

        notDelivered.Should().Be(0);
    }

    [Fact]
    public void OnAVirtualLoop_ShutdownAsync_HoldsTheClock_WhileWorkSubmittedEarlierStillRuns()
    {
        using var gate = new ManualResetEventSlim();
        var pool = new ThreadPoolExecutor(1);
        _ = pool.Submit(() => gate.Wait(Patience, TestContext.Current.CancellationToken)); // submitted off the loop

        TimeSpan endedAt = TestLoop.RunVirtual(async () =>
        {
            EventLoop loop = TestLoop.Current;
            _ = Task.Run(() =>
            {
                SpinWait.SpinUntil(() => loop.IsBlockedOnTrackedWork, Patience).Should().BeTrue();
                gate.Set();
            }, TestContext.Current.CancellationToken);
            await pool.ShutdownAsync();
            return loop.Elapsed;
        });

        endedAt.Should().Be(TimeSpan.Zero);
    }

    [Fact]
    public async Task ManyShortFunctions_NeverExceedTheLimit()
    {
        await using var pool = new ThreadPoolExecutor(maxWorkers: 3);
        int running = 0;
        int most = 0;

#pragma warning disable AN0004 // bounded by the executor under test: 2,000 submissions, at most 3 running
        await Task.WhenAll(Enumerable.Range(0, 2_000).Select(_ => pool.Submit(() =>
        {
            InterlockedMax(ref most, Interlocked.Increment(ref running));
            Thread.SpinWait(100);
            Interlocked.Decrement(ref running);
        })));
#pragma warning restore AN0004

        most.Should().BeInRange(1, 3);
    }

    [Fact]
    public async Task OneWorker_RunsTheFunctionsInTheOrderTheyWereSubmitted()
    {
        var order = new List<int>();
        await using (var pool = new ThreadPoolExecutor(maxWorkers: 1))
        {
            for (int i = 0; i < 50; i++)
            {
                int id = i;
                _ = pool.Submit(() => order.Add(id)); // one worker: no lock needed, and none taken
            }
        }

        order.Should().Equal(Enumerable.Range(0, 50));
    }

    // TT-02
    [Fact]
    public async Task TheFunctionsException_ReachesTheAwaiterUnchanged()
    {
        await using var pool = new ThreadPoolExecutor(2);
        var failure = new InvalidOperationException("worker failed");

        Exception? thrown = await Capture.ExceptionAsync(() => pool.Submit<int>(() => throw failure));

        thrown.Should().BeSameAs(failure);
    }

    // TT-01, TT-04
    [Fact]
    public void OnALoop_TheWorkRunsOnceOnAnotherThread_AndItsResultComesBackOnTheLoopThread()
    {
        int calls = 0;
        var seen = TestLoop.RunVirtual(async () =>
        {
            await using var pool = new ThreadPoolExecutor(2);
            int loopThread = Environment.CurrentManagedThreadId;
            int worker = 0;
            int viaPool = await AsyncIO.RunInExecutorAsync(pool, () =>
            {
                Interlocked.Increment(ref calls);
                worker = Environment.CurrentManagedThreadId;
                return 7;
            });
            int after = Environment.CurrentManagedThreadId;
            int viaDefault = await AsyncIO.RunInExecutorAsync(null, () => Environment.CurrentManagedThreadId);
            return (Loop: loopThread, Worker: worker, After: after, Result: viaPool, DefaultWorker: viaDefault, AfterDefault: Environment.CurrentManagedThreadId);
        });

        calls.Should().Be(1);
        seen.Result.Should().Be(7);
        seen.Worker.Should().NotBe(seen.Loop);
        seen.DefaultWorker.Should().NotBe(seen.Loop);
        seen.After.Should().Be(seen.Loop);
        seen.AfterDefault.Should().Be(seen.Loop);
    }

    [Fact]
    public void OnAVirtualLoop_TheClockDoesNotJump_WhileWorkWaitsInTheQueueOrRuns()
    {
        var log = new EventLog();
        TestLoop.RunVirtual(async () =>
        {
            EventLoop loop = TestLoop.Current;
            await using var pool = new ThreadPoolExecutor(maxWorkers: 1);
            Task sleeper = AsyncIO.CreateTask(async ct =>
            {
                await AsyncIO.SleepAsync(TestLoop.Seconds(1), ct);
                log.AddAt("sleeper woke");
            });

            // The first function holds the only worker until the loop has nothing left but to wait for tracked work; the
            // second waits in the queue meanwhile. Had either not been tracked, the clock would have jumped to t = 1.
            Task<TimeSpan> first = AsyncIO.RunInExecutorAsync(pool, () =>
            {
                SpinWait.SpinUntil(() => loop.IsBlockedOnTrackedWork, Patience).Should().BeTrue();
                return loop.Elapsed;
            });
            Task<TimeSpan> queued = AsyncIO.RunInExecutorAsync(pool, () => loop.Elapsed);
            log.AddAt($"first saw t={(await first).TotalSeconds}");
            log.AddAt($"queued saw t={(await queued).TotalSeconds}");
            await sleeper;
        });

        log.Entries.Should().Equal("first saw t=0@0", "queued saw t=0@0", "sleeper woke@1");
    }

    [Fact]
    public async Task ATokenCancelsQueuedWork_ButNotWorkAlreadyRunning()
    {
        await using var pool = new ThreadPoolExecutor(maxWorkers: 1);
        using var gate = new ManualResetEventSlim();
        using var runningStarted = new ManualResetEventSlim();
        using var cancel = new CancellationTokenSource();
        bool queuedRan = false;

        Task<string> running = pool.Submit(() =>
        {
            runningStarted.Set();
            gate.Wait(Patience, TestContext.Current.CancellationToken).Should().BeTrue();
            return "finished";
        }, cancel.Token);
        Task queued = pool.Submit(() => queuedRan = true, cancel.Token);
        runningStarted.Wait(Patience, TestContext.Current.CancellationToken).Should().BeTrue();

        await cancel.CancelAsync();
        await FluentActions.Awaiting(() => queued).Should().ThrowAsync<OperationCanceledException>();
        gate.Set();

        (await running).Should().Be("finished", "a running thread cannot be interrupted");
        queuedRan.Should().BeFalse();
        pool.QueuedCount.Should().Be(0);
    }

    [Fact]
    public async Task Shutdown_RefusesNewWork_QueuedWorkStillRuns_AndShutdownAsyncWaitsForIt()
    {
        var pool = new ThreadPoolExecutor(maxWorkers: 1);
        using var gate = new ManualResetEventSlim();
        int ran = 0;
        _ = pool.Submit(() =>
        {
            gate.Wait(Patience, TestContext.Current.CancellationToken).Should().BeTrue();
            Interlocked.Increment(ref ran);
        });
        Task queued = pool.Submit(() => Interlocked.Increment(ref ran));

        Task shutdown = pool.ShutdownAsync();

        FluentActions.Invoking(() => { _ = pool.Submit(() => 1); }).Should().Throw<InvalidOperationException>();
        shutdown.IsCompleted.Should().BeFalse("the first function is held at the gate");
        gate.Set();
        await shutdown;
        ran.Should().Be(2);
        queued.IsCompletedSuccessfully.Should().BeTrue();
    }

    [Fact]
    public async Task ShutdownWithCancelFutures_CancelsTheQueue_TheRunningWorkFinishes()
    {
        var pool = new ThreadPoolExecutor(maxWorkers: 1);
        using var gate = new ManualResetEventSlim();
        using var started = new ManualResetEventSlim();
        Task<int> running = pool.Submit(() =>
        {
            started.Set();
            gate.Wait(Patience, TestContext.Current.CancellationToken).Should().BeTrue();
            return 1;
        });
        Task<int>[] queued = [.. Enumerable.Range(0, 3).Select(i => pool.Submit(() => i))];
        started.Wait(Patience, TestContext.Current.CancellationToken).Should().BeTrue();

        Task shutdown = pool.ShutdownAsync(cancelFutures: true);

        queued.Should().OnlyContain(t => t.IsCanceled);
        shutdown.IsCompleted.Should().BeFalse();
        gate.Set();
        await shutdown;
        (await running).Should().Be(1);
    }

    [Fact]
    public async Task AnIdleExecutor_ShutsDownAtOnce_AndDisposingTwiceIsHarmless()
    {
        var pool = new ThreadPoolExecutor(4);
        (await pool.Submit(() => 3)).Should().Be(3);

        await pool.DisposeAsync();
        await pool.DisposeAsync();

        FluentActions.Invoking(() => { _ = pool.Submit(() => { }); }).Should().Throw<InvalidOperationException>();
    }

    // TT-05: the loop has closed while a function still runs; its finishing posts nothing and throws nothing.
    [Fact]
    public async Task WorkStillRunningWhenTheLoopCloses_FinishesQuietly()
    {
        using var gate = new ManualResetEventSlim();
        using var started = new ManualResetEventSlim();
        var pool = new ThreadPoolExecutor(1);
        var errors = new List<EventLoopExceptionContext>();
        Task<int>? tracked = null;

#pragma warning disable AN0002 // the run under test is synchronous on purpose: the test awaits, afterwards, the work it left running
        AsyncIO.Run(
            () =>
            {
                tracked = pool.Submit(() =>
                {
                    started.Set();
                    gate.Wait(Patience, TestContext.Current.CancellationToken).Should().BeTrue();
                    return 1;
                });
                started.Wait(Patience, TestContext.Current.CancellationToken).Should().BeTrue();
                return Task.CompletedTask;
            },
            new EventLoopOptions { ExceptionHandler = errors.Add });
#pragma warning restore AN0002

        gate.Set();
        await pool.ShutdownAsync(cancellationToken: TestContext.Current.CancellationToken);

        errors.Should().BeEmpty();
        tracked!.IsCompleted.Should().BeFalse("its result had nowhere to go once the loop had closed");
    }

    [Fact]
    public async Task BadInput_IsRefusedAtTheCall()
    {
        FluentActions.Invoking(() => new ThreadPoolExecutor(0)).Should().Throw<ArgumentOutOfRangeException>();
        await using var pool = new ThreadPoolExecutor(1);
        FluentActions.Invoking(() => { _ = pool.Submit((Func<int>)null!); }).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => { _ = pool.Submit((Action)null!); }).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => { _ = AsyncIO.RunInExecutorAsync(pool, (Func<int>)null!); }).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => { _ = AsyncIO.RunInExecutorAsync(null, (Action)null!); }).Should().Throw<ArgumentNullException>();
        (await FluentActions.Awaiting(() => pool.Submit(() => 1, new CancellationToken(canceled: true)))
            .Should().ThrowAsync<OperationCanceledException>()).Which.Should().NotBeNull();
    }

    private static int RunVirtualLoopRounds(int rounds, Func<Task<int>> round)
    {
        int total = 0;
        for (int i = 0; i < rounds; i++)
        {
            total += TestLoop.RunVirtual(round);
        }

        return total;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
