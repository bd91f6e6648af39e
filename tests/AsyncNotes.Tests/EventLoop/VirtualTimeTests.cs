using AsyncNotes.Tests.Infrastructure;

namespace AsyncNotes.Tests.EventLoops;

public sealed class VirtualTimeTests
{
    [Fact]
    public void Sleeps_OneTwoAndThreeSecondsStartedTogether_EndAtExactlyOneTwoAndThree()
    {
        var log = new EventLog();

        TimeSpan end = TestLoop.RunVirtual(async () =>
        {
            async Task SleepAndLogAsync(string name, double seconds)
            {
                await AsyncIO.SleepAsync(TestLoop.Seconds(seconds));
                log.AddAt(name);
            }

            await Task.WhenAll(SleepAndLogAsync("three", 3), SleepAndLogAsync("one", 1), SleepAndLogAsync("two", 2));
            return TestLoop.Now;
        });

        log.Entries.Should().Equal("one@1", "two@2", "three@3");
        end.Should().Be(TestLoop.Seconds(3));
    }

    [Fact]
    public void Sleeps_AHundredThousandConcurrentOneHourSleeps_EndWithTheClockAtExactlyOneHour()
    {
        const int count = 100_000;
        int finished = 0;

        TimeSpan end = TestLoop.RunVirtual(async () =>
        {
            var sleepers = new Task[count];
            for (int i = 0; i < count; i++)
            {
                sleepers[i] = SleepThenCountAsync();
            }

            await Task.WhenAll(sleepers);
            return TestLoop.Now;
        });

        finished.Should().Be(count);
        end.Should().Be(TimeSpan.FromHours(1));

        async Task SleepThenCountAsync()
        {
            await AsyncIO.SleepAsync(TimeSpan.FromHours(1));
            finished++;
        }
    }

    [Fact]
    public void Timers_DueAtTheSameInstant_FireInTheOrderTheyWereCreated()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            TimeProvider time = TestLoop.Current.Time;
            var timers = new List<ITimer>();
            foreach (string name in new[] { "first", "second", "third", "fourth" })
            {
                timers.Add(time.CreateTimer(_ => log.AddAt(name), null, TestLoop.Seconds(5), Timeout.InfiniteTimeSpan));
            }

            await AsyncIO.SleepAsync(TestLoop.Seconds(10));
            timers.ForEach(t => t.Dispose());
        });

        log.Entries.Should().Equal("first@5", "second@5", "third@5", "fourth@5");
    }

    [Fact]
    public void Clock_StandsStillWhileCallbacksRun()
    {
        (TimeSpan Before, TimeSpan After) readings = TestLoop.RunVirtual(async () =>
        {
            await AsyncIO.SleepAsync(TestLoop.Seconds(1));
            TimeSpan before = TestLoop.Now;
            double busy = 0;
            for (int i = 0; i < 1_000_000; i++)
            {
                busy += Math.Sqrt(i);
            }

            return (before, busy > 0 ? TestLoop.Now : TimeSpan.MinValue);
        });

        readings.After.Should().Be(readings.Before).And.Be(TestLoop.Seconds(1));
    }

    [Fact]
    public void Time_IsATimeProviderThatBclApisRunOn()
    {
        var log = new EventLog();
        var start = new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

        AsyncIO.Run(
            async () =>
            {
                TimeProvider time = TestLoop.Current.Time;
                using var cts = new CancellationTokenSource(TestLoop.Seconds(30), time);
                await using CancellationTokenRegistration registration = cts.Token.Register(() => log.AddAt("token cancelled"));
                await Task.Delay(TestLoop.Seconds(10), time);
                log.AddAt("delay done");
                log.Add($"utc {time.GetUtcNow():HH:mm:ss}");
                Func<Task> waitTooLong = () => Task.Delay(Timeout.InfiniteTimeSpan, cts.Token);
                await waitTooLong.Should().ThrowAsync<OperationCanceledException>();
                log.AddAt("wait cancelled");
                log.Add($"elapsed {time.GetElapsedTime(0).TotalSeconds}");
            },
            EventLoopOptions.Virtual with { VirtualStart = start });

        log.Entries.Should().Equal("delay done@10", "utc 12:00:10", "token cancelled@30", "wait cancelled@30", "elapsed 30");
    }

    [Fact]
    public void Timer_WithAPeriod_FiresAtEveryMultipleOfThePeriod()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            using ITimer timer = TestLoop.Current.Time.CreateTimer(_ => log.AddAt("tick"), null, TestLoop.Seconds(1), TestLoop.Seconds(2));
            await AsyncIO.SleepAsync(TestLoop.Seconds(6));
        });

        log.Entries.Should().Equal("tick@1", "tick@3", "tick@5");
    }

    [Fact]
    public void Timer_ChangedOrDisposedBeforeItIsDue_FiresAtTheNewTimeOrNever()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            TimeProvider time = TestLoop.Current.Time;
            using ITimer moved = time.CreateTimer(_ => log.AddAt("moved"), null, TestLoop.Seconds(1), Timeout.InfiniteTimeSpan);
            ITimer disposed = time.CreateTimer(_ => log.AddAt("disposed"), null, TestLoop.Seconds(2), Timeout.InfiniteTimeSpan);
            moved.Change(TestLoop.Seconds(4), Timeout.InfiniteTimeSpan).Should().BeTrue();
            disposed.Dispose();
            disposed.Change(TestLoop.Seconds(1), Timeout.InfiniteTimeSpan).Should().BeFalse();
            await AsyncIO.SleepAsync(TestLoop.Seconds(5));
        });

        log.Entries.Should().Equal("moved@4");
    }

    [Fact]
    public void Timer_ChangeWithADueTimeBelowInfinite_ThrowsArgumentOutOfRange()
    {
        TestLoop.RunVirtual(() =>
        {
            using ITimer timer = TestLoop.Current.Time.CreateTimer(_ => { }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            FluentActions.Invoking(() => timer.Change(TimeSpan.FromMilliseconds(-2), Timeout.InfiniteTimeSpan))
                .Should().Throw<ArgumentOutOfRangeException>();
            return Task.CompletedTask;
        });
    }

    [Fact]
    public void Options_NegativeAutoJumpThreshold_ThrowsArgumentOutOfRange()
    {
        FluentActions.Invoking(() => EventLoopOptions.Virtual with { AutoJumpThreshold = TimeSpan.FromMilliseconds(-1) })
            .Should().Throw<ArgumentOutOfRangeException>();
    }
}
