using AsyncNotes.Tests.Infrastructure;
using static AsyncNotes.Tests.Infrastructure.TestLoop;

namespace AsyncNotes.Tests.Future;

/// <summary>A future armed on its own loop's clock sits in the loop's timer heap itself (no timer object): it shares the
/// heap's arming order with the loop's timers, and whoever decides it takes it out, from any thread, even while it is being
/// armed.</summary>
public sealed class FutureDeadlineTests
{
    private const int RaceIterations = 2000;

    // A sleep and a timer due at the same instant fire in the order they were armed, whichever kind came first: they are
    // entries of one heap with one sequence.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SleepAndTimer_DueAtTheSameInstant_FireInArmingOrder(bool sleepFirst)
    {
        var log = new EventLog();

        RunVirtual(async () =>
        {
            ITimer? timer = null;
            Task sleep;
            if (sleepFirst)
            {
                sleep = SleepThenLogAsync(log);
                timer = Current.Time.CreateTimer(_ => log.AddAt("timer"), null, Seconds(1), Timeout.InfiniteTimeSpan);
            }
            else
            {
                timer = Current.Time.CreateTimer(_ => log.AddAt("timer"), null, Seconds(1), Timeout.InfiniteTimeSpan);
                sleep = SleepThenLogAsync(log);
            }

            await sleep;
            await timer.DisposeAsync();
        });

        // The sleeper itself resumes one callback after its deadline decided it (asyncio's set_result, then the wake-up).
        log.Entries.Should().Equal(sleepFirst ? ["deadline@1", "timer@1", "sleeper@1"] : ["timer@1", "deadline@1", "sleeper@1"]);
    }

    // Decided before it is armed (a token already cancelled between the two): nothing is left in the heap.
    [Fact]
    public void DecidedThenArmed_LeavesNoTimer()
    {
        int timersLeft = -1;

        RunVirtual(() =>
        {
            var future = new LoopFuture<bool>(Current);
            future.TrySetCanceled();
            future.ResolveAfter(Current.Time, TimeSpan.FromHours(1), true);
            timersLeft = Current.PendingTimerCount;
            return Task.CompletedTask;
        });

        timersLeft.Should().Be(0);
    }

    // Armed on the loop, decided from another thread: the decision takes it out of the heap at once.
    [Fact]
    public void ArmedThenDecidedFromAnotherThread_LeavesNoTimer_AndTheTaskEndsCancelled()
    {
        (int Armed, int Left) timers = (-1, -1);
        bool cancelled = false;

        RunVirtual(async () =>
        {
            var future = new LoopFuture<bool>(Current);
            future.ResolveAfter(Current.Time, TimeSpan.FromHours(1), true);
            int armed = Current.PendingTimerCount;
            await Together.RunAsync(TestContext.Current.CancellationToken, () => future.TrySetCanceled());
            timers = (armed, Current.PendingTimerCount);
            cancelled = await future.Task.ContinueWith(t => t.IsCanceled, TaskScheduler.Default);
        });

        timers.Should().Be((1, 0));
        cancelled.Should().BeTrue();
    }

    // Arming on one thread races a decision on another: whichever wins, no deadline is left armed for a decided future. (A
    // build whose loop armed a deadline without checking that its future was still pending left one behind within the
    // first iterations.) A real-time loop, so that an hour-long deadline left behind is seen, not fired.
    [Fact]
    public void ArmingRacingADecisionOnAnotherThread_NeverLeavesATimerBehind()
    {
        var leftBehind = new List<int>();

        AsyncIO.Run(async () =>
        {
            EventLoop loop = Current;
            for (int iteration = 0; iteration < RaceIterations; iteration++)
            {
                var future = new LoopFuture<bool>(loop);
                await Together.RunAsync(
                    TestContext.Current.CancellationToken,
                    () => future.ResolveAfter(loop.Time, TimeSpan.FromHours(1), true),
                    () => future.TrySetCanceled());
                if (loop.PendingTimerCount != 0)
                {
                    leftBehind.Add(iteration);
                    break;
                }
            }
        });

        leftBehind.Should().BeEmpty();
    }

    private static async Task SleepThenLogAsync(EventLog log)
    {
        Task sleep = AsyncIO.SleepAsync(Seconds(1));
        _ = sleep.ContinueWith(_ => log.AddAt("deadline"), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        await sleep;
        log.AddAt("sleeper");
    }
}
