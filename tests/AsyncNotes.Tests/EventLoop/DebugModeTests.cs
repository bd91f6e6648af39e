using AsyncNotes.Tests.Infrastructure;
using static AsyncNotes.Tests.Infrastructure.TestLoop;

namespace AsyncNotes.Tests.EventLoops;

// EventLoopOptions.Debug: asyncio's debug mode raises RuntimeError when a loop method is called from another thread. Here an
// AsyncNotes call made off the loop's thread by the loop's own code throws InvalidOperationException instead of silently
// running as off any loop (the thread pool, the system clock).
public sealed class DebugModeTests
{
    private static readonly EventLoopOptions VirtualDebug = EventLoopOptions.Virtual with { Debug = true };

    [Fact]
    public void AfterConfigureAwaitFalse_ASleep_Throws_NamingTheCallAndTheCause()
    {
        Action run = () => AsyncIO.Run(
            async () =>
            {
                // ConfigureAwait(false) that leaves even when the work has already finished: the plain form then continues
                // inline, on the loop, and there would be nothing to report.
                await Task.Run(() => { }, TestContext.Current.CancellationToken).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
                await AsyncIO.SleepAsync(Seconds(3600));
            },
            VirtualDebug);

        run.Should().Throw<InvalidOperationException>()
            .WithMessage("AsyncIO.SleepAsync was called on thread *, off the event loop's thread, by code that the loop started*ConfigureAwait(false)*");
    }

    [Fact]
    public void TheReport_NamesTheCallThatWasMade()
    {
        // Each call names itself, also where it shares its machinery with others (a timeout scope, a waiter queue), and also
        // with a clock of its own: the loop's code off the loop is the mistake, whatever the clock.
        string[] messages = AsyncIO.Run(
            async () =>
            {
                await Task.Run(() => { }, TestContext.Current.CancellationToken).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
                var messages = new List<string>();
                foreach (Func<Task> call in new Func<Task>[]
                {
                    () => AsyncIO.WaitForAsync(_ => Task.FromResult(1), Seconds(5), TimeProvider.System),
                    () => AsyncIO.TimeoutAtAsync(null, _ => Task.CompletedTask, TimeProvider.System),
                    () => new AsyncEvent().WaitAsync(),
                    () => new AsyncQueue<int>().GetAsync(),
                    () => new AsyncBarrier(2).WaitAsync(),
                })
                {
                    try
                    {
                        await call();
                        messages.Add("no report");
                    }
                    catch (InvalidOperationException report)
                    {
                        messages.Add(report.Message[..report.Message.IndexOf(" was called", StringComparison.Ordinal)]);
                    }
                }

                return messages.ToArray();
            },
            VirtualDebug);

        messages.Should().Equal("AsyncIO.WaitForAsync", "AsyncIO.TimeoutAtAsync", "AsyncEvent.WaitAsync", "AsyncQueue.GetAsync", "AsyncBarrier.WaitAsync");
    }

    [Fact]
    public void WithoutDebugMode_TheSameCode_RunsAsOffAnyLoop()
    {
        // The silent behaviour the check exists for: after ConfigureAwait(false) no loop is current, and the sleep runs on the
        // thread pool (a zero sleep here, so that the test does not wait on the system clock).
        bool sawNoLoop = RunVirtual(async () =>
        {
            await Task.Run(() => { }, TestContext.Current.CancellationToken).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
            await AsyncIO.SleepAsync(TimeSpan.Zero);
            return EventLoop.Current is null;
        });

        sawNoLoop.Should().BeTrue();
    }

    [Fact]
    public void OnTheLoopsThread_DebugMode_ChangesNothing()
    {
        (int[] Gathered, int Queued, TimeSpan At) result = AsyncIO.Run(
            async () =>
            {
                var queue = new AsyncQueue<int>();
                Task<int> consumer = AsyncIO.CreateTask(ct => queue.GetAsync(ct));
                int[] gathered = await AsyncIO.GatherAsync(AsyncIO.SleepAsync(Seconds(1), 1), AsyncIO.SleepAsync(Seconds(2), 2));
                await TaskGroup.RunAsync(tg =>
                {
                    _ = tg.CreateTask(async ct => await queue.PutAsync(7, ct));
                    return Task.CompletedTask;
                });
                return (gathered, await consumer, Now);
            },
            VirtualDebug);

        result.Gathered.Should().Equal(1, 2);
        result.Queued.Should().Be(7);
        result.At.Should().Be(Seconds(2));
    }

    [Fact]
    public async Task ToThreadWork_CallingBackIntoAsyncNotes_Throws()
    {
        // asyncio's to_thread work has no running loop either: the loop's calls belong on the loop.
        Exception? seen = await Task.Run(
            () => AsyncIO.Run(
                async () =>
                {
                    try
                    {
                        _ = await AsyncIO.ToThreadAsync(() => AsyncIO.GatherAsync(Task.FromResult(1)));
                        return null;
                    }
                    catch (InvalidOperationException expected)
                    {
                        return expected;
                    }
                },
                VirtualDebug),
            TestContext.Current.CancellationToken);

        seen.Should().NotBeNull();
        seen!.Message.Should().StartWith("AsyncIO.GatherAsync was called on thread");
    }

    [Fact]
    public async Task AfterTheRunHasEnded_CodeItStarted_IsNotChecked()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<bool>? leftover = null;
        Action run = () => AsyncIO.Run(
            () =>
            {
                // Left running on the thread pool with the loop's execution context; it calls AsyncNotes once the run is over.
                leftover = Task.Run(
                    async () =>
                    {
                        await release.Task.ConfigureAwait(false);
                        await AsyncIO.SleepAsync(TimeSpan.Zero);
                        return EventLoop.Current is null;
                    },
                    TestContext.Current.CancellationToken);
                return Task.CompletedTask;
            },
            VirtualDebug);
        run();

        release.SetResult();
        (await leftover!).Should().BeTrue();
    }

    [Fact]
    public async Task OffAnyLoop_NothingIsChecked()
    {
        bool offLoop = await Task.Run(
            async () =>
            {
                await AsyncIO.SleepAsync(TimeSpan.Zero);
                return (await AsyncIO.GatherAsync(Task.FromResult(3))).Single() == 3 && EventLoop.Current is null;
            },
            TestContext.Current.CancellationToken);

        offLoop.Should().BeTrue();
    }
}
