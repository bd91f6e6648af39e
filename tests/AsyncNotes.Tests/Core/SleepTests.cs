using AsyncNotes.Tests.Infrastructure;

namespace AsyncNotes.Tests.Core;

public sealed class SleepTests
{
    // Rule: zero yields exactly one turn. A is ready before the sleep; A posts B, which is therefore one turn later than the
    // sleeper's own callback. One turn: A, main, B. Zero turns: main first. Two turns: A, B, main.
    [Fact]
    public void SleepAsync_Zero_YieldsExactlyOneTurnOfTheLoop()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            Task bRan = TurnProbe.PostAThenBAsync(log);
            await AsyncIO.SleepAsync(TimeSpan.Zero);
            log.Add("main resumed");
            await bRan;
        });

        log.Entries.Should().Equal("A", "main resumed", "B");
    }

    [Fact]
    public void SleepAsync_Zero_DiffersFromTaskDelayZero_WhichDoesNotYield()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            SynchronizationContext.Current!.Post(_ => log.Add("ready callback"), null);
            await Task.Delay(TimeSpan.Zero);
            log.Add("after Task.Delay(0)");
            await AsyncIO.SleepAsync(TimeSpan.Zero);
            log.Add("after SleepAsync(0)");
        });

        log.Entries.Should().Equal("after Task.Delay(0)", "ready callback", "after SleepAsync(0)");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(-5000)]
    public void SleepAsync_Negative_BehavesLikeZero(int milliseconds)
    {
        var log = new EventLog();

        TimeSpan end = TestLoop.RunVirtual(async () =>
        {
            // As for zero: A is ready before the sleep, B (posted by A) one turn later; exactly one turn puts "resumed" between.
            Task bRan = TurnProbe.PostAThenBAsync(log);
            await AsyncIO.SleepAsync(TimeSpan.FromMilliseconds(milliseconds));
            log.Add("resumed");
            TimeSpan now = TestLoop.Now;
            await bRan;
            return now;
        });

        log.Entries.Should().Equal("A", "resumed", "B");
        end.Should().Be(TimeSpan.Zero);
    }

    [Fact]
    public void SleepAsync_AlreadyCancelledToken_ThrowsAtOnceWithoutYielding()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        TestLoop.RunVirtual(() =>
        {
            AsyncIO.SleepAsync(TestLoop.Seconds(5), cts.Token).IsCanceled.Should().BeTrue();
            AsyncIO.SleepAsync(TimeSpan.Zero, cts.Token).IsCanceled.Should().BeTrue();
            return Task.CompletedTask;
        });
    }

    // SL-05: a cancelled sleep throws at the cancel instant and leaves no timer scheduled.
    [Fact]
    public void SleepAsync_CancelledWhileSleeping_ThrowsAtTheCancelInstantAndLeavesNoTimer()
    {
        var log = new EventLog();
        int timersLeft = -1;

        TestLoop.RunVirtual(async () =>
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100), TestLoop.Current.Time);
            try
            {
                await AsyncIO.SleepAsync(TimeSpan.FromSeconds(5000), cts.Token);
            }
            catch (OperationCanceledException ex) when (ex.CancellationToken == cts.Token)
            {
                log.AddAt("cancelled");
            }

            timersLeft = TestLoop.Current.PendingTimerCount;
        });

        log.Entries.Should().Equal("cancelled@0.1");
        timersLeft.Should().Be(0);
    }

    // SL-01: sleep(d, result) returns result after d; two half sleeps end at exactly the full duration.
    [Fact]
    public void SleepAsync_WithResult_ReturnsItAfterTheDelay_AndTwoHalvesMakeAWhole()
    {
        (string Value, TimeSpan At) outcome = TestLoop.RunVirtual(async () =>
        {
            await AsyncIO.SleepAsync(TimeSpan.FromMilliseconds(500));
            string value = await AsyncIO.SleepAsync(TimeSpan.FromMilliseconds(500), "done");
            return (value, TestLoop.Now);
        });

        outcome.Should().Be(("done", TestLoop.Seconds(1)));
    }

    // Off a loop: the system clock (real time passes) and the thread pool (no loop; the sleeper resumes on a pool thread).
    [Fact]
    public async Task SleepAsync_OffTheLoop_UsesTheSystemClockAndTheThreadPool()
    {
        CancellationToken testToken = TestContext.Current.CancellationToken;

        // Task.Run: no SynchronizationContext of the test runner's, so the continuation runs where the sleep completes it.
        (bool OnLoop, bool OnPool, TimeSpan Elapsed, string Value) seen = await Task.Run(
            async () =>
            {
                long start = TimeProvider.System.GetTimestamp();
                await AsyncIO.SleepAsync(TimeSpan.Zero, testToken);
                await AsyncIO.SleepAsync(TimeSpan.FromMilliseconds(50), testToken);
                string value = await AsyncIO.SleepAsync(TimeSpan.FromMilliseconds(1), "off loop", testToken);
                return (EventLoop.Current is not null, Thread.CurrentThread.IsThreadPoolThread, TimeProvider.System.GetElapsedTime(start), value);
            },
            testToken).WaitAsync(TimeSpan.FromSeconds(30), testToken);

        seen.OnLoop.Should().BeFalse();
        seen.OnPool.Should().BeTrue();
        seen.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(40), "real time passed: the system clock, not a virtual one");
        seen.Value.Should().Be("off loop");
    }

    // SL-04: a NaN delay is an ArgumentException, thrown by TimeSpan.FromSeconds before SleepAsync is even called.
    [Fact]
    public void SleepAsync_NaNDelay_ThrowsArgumentExceptionBeforeSleepAsyncIsCalled()
    {
        bool sleepCalled = false;

        Action act = () =>
        {
            TimeSpan delay = TimeSpan.FromSeconds(double.NaN);
            sleepCalled = true;
            _ = AsyncIO.SleepAsync(delay);
        };

        act.Should().Throw<ArgumentException>();
        sleepCalled.Should().BeFalse();
    }

    // Rule: equal due times end in the order the sleeps started, also when they started at different instants.
    [Fact]
    public void SleepAsync_EqualDueTimes_EndInTheOrderTheyStarted()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            async Task SleepThenLogAsync(string name, double seconds)
            {
                await AsyncIO.SleepAsync(TestLoop.Seconds(seconds));
                log.AddAt(name);
            }

            Task late = SleepThenLogAsync("late", 3);
            Task zulu = SleepThenLogAsync("zulu", 2);
            Task alpha = SleepThenLogAsync("alpha", 2);
            Task mike = SleepThenLogAsync("mike", 2);
            await AsyncIO.SleepAsync(TestLoop.Seconds(1));
            Task afterwards = SleepThenLogAsync("started at 1", 1);
            Task last = SleepThenLogAsync("started at 1, due at 3", 2);
            await Task.WhenAll(late, zulu, alpha, mike, afterwards, last);
        });

        log.Entries.Should().Equal("zulu@2", "alpha@2", "mike@2", "started at 1@2", "late@3", "started at 1, due at 3@3");
    }

    // RN-12, the .NET difference: CancellationTokenSource.Cancel() takes no reason, so the OperationCanceledException a
    // cancelled sleep throws has its type's generic message and nothing else; asyncio's task.cancel(msg) carries msg.
    [Fact]
    public void SleepAsync_Cancelled_TheExceptionCarriesNoReason_UnlikeAsyncioCancelMessage()
    {
        OperationCanceledException? caught = TestLoop.RunVirtual(async () =>
        {
            using var cts = new CancellationTokenSource(TestLoop.Seconds(1), TestLoop.Current.Time);
            try
            {
                await AsyncIO.SleepAsync(TestLoop.Seconds(5), cts.Token);
                return null;
            }
            catch (OperationCanceledException ex)
            {
                return ex;
            }
        });

        caught.Should().NotBeNull();
        string genericMessage = ((Exception)Activator.CreateInstance(caught!.GetType())!).Message;
        caught.Message.Should().Be(genericMessage);
        caught.InnerException.Should().BeNull();
        caught.Data.Count.Should().Be(0);
        typeof(CancellationTokenSource).GetMethods()
            .Where(m => m.Name is nameof(CancellationTokenSource.Cancel) or nameof(CancellationTokenSource.CancelAsync))
            .SelectMany(m => m.GetParameters())
            .Should().OnlyContain(p => p.ParameterType == typeof(bool), "the only argument Cancel takes is throwOnFirstException: there is no reason to pass");
    }
}
