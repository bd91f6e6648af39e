using AsyncNotes.Tests.Infrastructure;

namespace AsyncNotes.Tests.EventLoops;

public sealed class DeadlockTests
{
    [Fact]
    public void VirtualLoop_MainAwaitsSomethingNothingWillComplete_ThrowsInsteadOfHanging()
    {
        var never = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Action act = () => TestLoop.RunVirtual(async () =>
        {
            await AsyncIO.SleepAsync(TestLoop.Seconds(2));
            await never.Task;
        });

        EventLoopDeadlockException deadlock = act.Should().Throw<EventLoopDeadlockException>().Which;
        deadlock.Elapsed.Should().Be(TestLoop.Seconds(2));
        deadlock.WaitingTasks.Should().Equal("main");
        deadlock.Message.Should().Contain("t = 2 s").And.Contain("Waiting: main.").And.Contain("AutoJumpThreshold");
    }

    [Fact]
    public void VirtualLoop_Deadlock_ReportNamesEveryWaitingTaskInCreationOrder()
    {
        var never = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Action act = () => TestLoop.RunVirtual(async () =>
        {
            Task consumer = AsyncIO.CreateTask(_ => never.Task, name: "consumer");
            Task producer = AsyncIO.CreateTask(_ => never.Task, name: "producer");
            _ = AsyncIO.CreateTask(ct => AsyncIO.SleepAsync(TestLoop.Seconds(1), ct), name: "finishes");
            await Task.WhenAll(consumer, producer);
        });

        act.Should().Throw<EventLoopDeadlockException>().Which.WaitingTasks.Should().Equal("main", "consumer", "producer");
    }

    [Fact]
    public void VirtualLoop_SleepForeverWithNothingElse_IsADeadlockNotAJumpToTheEndOfTime()
    {
        Action act = () => TestLoop.RunVirtual(() => AsyncIO.SleepAsync(TimeSpan.MaxValue));

        act.Should().Throw<EventLoopDeadlockException>().Which.Elapsed.Should().Be(TimeSpan.Zero);
    }

    [Fact]
    public async Task VirtualLoop_UntrackedThreadPoolWorkWithoutGrace_IsReportedNotSilentlyWaitedFor()
    {
        using var release = new ManualResetEventSlim();
        Task<int>? offLoop = null;

        Action act = () => TestLoop.RunVirtual(async () =>
        {
            offLoop = Task.Run(() =>
            {
                release.Wait(TestContext.Current.CancellationToken);
                return 1;
            });
            await offLoop;
        });

        act.Should().Throw<EventLoopDeadlockException>();
        release.Set();
        (await offLoop!.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken)).Should().Be(1, "the worker was released");
    }

    [Fact]
    public void VirtualLoop_UntrackedThreadPoolWorkWithinTheAutoJumpThreshold_IsSeen()
    {
        // The grace is an upper bound: the loop wakes as soon as the completion is posted. (Each idle period with nothing
        // arriving costs the full threshold, but this run goes idle once, and the completion ends it.)
        var options = EventLoopOptions.Virtual with { AutoJumpThreshold = TimeSpan.FromSeconds(30) };

        int result = AsyncIO.Run(async () => await Task.Run(() => 21 * 2), options);

        result.Should().Be(42);
    }

    [Fact]
    public void VirtualLoop_WorkThatEntersTheLoopsContextAsTheLoopGoesIdle_HasArrived_ItIsNotADeadlock()
    {
        // A run's first hop to the thread pool: the worker that takes the item can enter the loop's context just after the
        // loop last looked (nothing queued, nothing running elsewhere). That work has arrived; it is not work that used up
        // its patience (OffLoopPatience). Taken for the latter, it was reported as a deadlock at t = 0: in up to 106 of these
        // 4,000 runs (four loops at once), and in most runs of this test; the race needs nothing but the runs to show.
        int deadlocks = 0;
        Parallel.For(
            0,
            4000,
            new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = TestContext.Current.CancellationToken },
            _ =>
            {
                try
                {
                    TestLoop.RunVirtual(async () => await Task.Run(() => { }));
                }
                catch (EventLoopDeadlockException)
                {
                    Interlocked.Increment(ref deadlocks);
                }
            });

        deadlocks.Should().Be(0);
    }

    [Fact]
    public void RealTimeLoop_IsNotADeadlockWhileSomethingCanStillArrive()
    {
        int result = AsyncIO.Run(async () => await Task.Run(() => 42));

        result.Should().Be(42);
    }
}
