using AsyncNotes.Tests.Infrastructure;

namespace AsyncNotes.Tests.Core;

public sealed class SleepTests
{
    [Fact]
    public void SleepAsync_Zero_YieldsExactlyOneTurnOfTheLoop()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            SynchronizationContext.Current!.Post(_ => log.Add("ready before"), null);
            await AsyncIO.SleepAsync(TimeSpan.Zero);
            log.Add("main resumed");
            SynchronizationContext.Current!.Post(_ => log.Add("posted after"), null);
        });

        log.Entries.Should().Equal("ready before", "main resumed");
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
            SynchronizationContext.Current!.Post(_ => log.Add("ready before"), null);
            await AsyncIO.SleepAsync(TimeSpan.FromMilliseconds(milliseconds));
            log.Add("resumed");
            return TestLoop.Now;
        });

        log.Entries.Should().Equal("ready before", "resumed");
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

    [Fact]
    public async Task SleepAsync_OffTheLoop_UsesTheSystemClockAndTheThreadPool()
    {
        EventLoop.Current.Should().BeNull();

        await AsyncIO.SleepAsync(TimeSpan.Zero, TestContext.Current.CancellationToken);
        await AsyncIO.SleepAsync(TimeSpan.FromMilliseconds(1), TestContext.Current.CancellationToken);
        string value = await AsyncIO.SleepAsync(TimeSpan.FromMilliseconds(1), "off loop", TestContext.Current.CancellationToken);

        value.Should().Be("off loop");
    }
}
