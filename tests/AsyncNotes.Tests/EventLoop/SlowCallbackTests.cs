using AsyncNotes.Tests.Infrastructure;
using static AsyncNotes.Tests.Infrastructure.TestLoop;

namespace AsyncNotes.Tests.EventLoops;

/// <summary>asyncio's debug mode, its slow-callback reports: a callback that holds the loop too long is reported with its task.</summary>
public sealed class SlowCallbackTests
{
    // The injected clock stands for real time: a callback that "computes" moves it, so the measurement is exact and the
    // test does not depend on how loaded the machine is.
    private static EventLoopOptions Debug(ManualTimeProvider clock, List<SlowCallback> reports) => EventLoopOptions.Virtual with
    {
        SlowCallbackDuration = TimeSpan.FromMilliseconds(100),
        SlowCallbackClock = clock,
        SlowCallbackHandler = reports.Add,
    };

    [Fact]
    public void SlowCallback_InACreatedTask_IsReportedWithTheTaskNameDurationAndLoopTime()
    {
        var clock = new ManualTimeProvider();
        var reports = new List<SlowCallback>();

        AsyncIO.Run(
            async () =>
            {
                Task cruncher = AsyncIO.CreateTask(
                    async ct =>
                    {
                        await AsyncIO.SleepAsync(Seconds(1), ct);
                        clock.Advance(TimeSpan.FromMilliseconds(250)); // CPU-bound work between two awaits
                        await AsyncIO.SleepAsync(Seconds(1), ct);
                    },
                    name: "cruncher");
                await cruncher;
            },
            Debug(clock, reports));

        reports.Should().Equal(new SlowCallback("cruncher", TimeSpan.FromMilliseconds(250), Seconds(1)));
        reports[0].ToString().Should().Be("Executing task 'cruncher' took 0.250 seconds");
    }

    [Fact]
    public void SlowCallback_InMain_IsReportedAsMain()
    {
        var clock = new ManualTimeProvider();
        var reports = new List<SlowCallback>();

        AsyncIO.Run(
            async () =>
            {
                await AsyncIO.SleepAsync(Seconds(2));
                clock.Advance(TimeSpan.FromMilliseconds(100)); // exactly the threshold counts as slow
            },
            Debug(clock, reports));

        reports.Should().ContainSingle().Which.Should().Be(new SlowCallback("main", TimeSpan.FromMilliseconds(100), Seconds(2)));
    }

    [Fact]
    public void SlowCallback_CallbacksUnderTheThreshold_AreNotReported()
    {
        var clock = new ManualTimeProvider();
        var reports = new List<SlowCallback>();

        AsyncIO.Run(
            async () =>
            {
                for (int i = 0; i < 5; i++)
                {
                    clock.Advance(TimeSpan.FromMilliseconds(99));
                    await AsyncIO.SleepAsync(TimeSpan.Zero);
                }
            },
            Debug(clock, reports));

        reports.Should().BeEmpty();
    }

    [Fact]
    public void SlowCallback_ByDefault_NothingIsTimed()
    {
        var clock = new ManualTimeProvider();
        var reports = new List<SlowCallback>();

        AsyncIO.Run(
            async () =>
            {
                await AsyncIO.SleepAsync(TimeSpan.Zero);
                clock.Advance(TimeSpan.FromSeconds(10));
            },
            EventLoopOptions.Virtual with { SlowCallbackClock = clock, SlowCallbackHandler = reports.Add });

        reports.Should().BeEmpty("SlowCallbackDuration is null by default, as asyncio times nothing outside debug mode");
    }

    [Fact]
    public void SlowCallback_HandlerThrows_GoesToTheExceptionHandler()
    {
        var clock = new ManualTimeProvider();
        var failures = new List<EventLoopExceptionContext>();
        EventLoopOptions options = EventLoopOptions.Virtual with
        {
            SlowCallbackDuration = TimeSpan.FromMilliseconds(100),
            SlowCallbackClock = clock,
            SlowCallbackHandler = _ => throw new InvalidOperationException("handler failed"),
            ExceptionHandler = failures.Add,
        };

        AsyncIO.Run(
            async () =>
            {
                await AsyncIO.SleepAsync(TimeSpan.Zero);
                clock.Advance(TimeSpan.FromSeconds(1));
            },
            options);

        failures.Should().ContainSingle().Which.Exception.Message.Should().Be("handler failed");
    }

    // The real use: blocking code (here a real sleep standing for CPU-bound work) holds the loop; the report measures it in
    // real time even on a virtual loop, whose own clock does not move while the callback runs.
    [Fact]
    public void SlowCallback_RealBlockingCode_IsMeasuredInRealTimeWhileTheVirtualClockStandsStill()
    {
        var reports = new List<SlowCallback>();
        EventLoopOptions options = EventLoopOptions.Virtual with
        {
            SlowCallbackDuration = TimeSpan.FromMilliseconds(100),
            SlowCallbackHandler = reports.Add,
        };

        AsyncIO.Run(
            async () =>
            {
                await AsyncIO.SleepAsync(Seconds(5));
                Thread.Sleep(TimeSpan.FromMilliseconds(300)); // the mistake being detected, not a synchronisation
            },
            options);

        SlowCallback report = reports.Should().ContainSingle().Subject;
        report.TaskName.Should().Be("main");
        report.Duration.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(300));
        report.LoopTime.Should().Be(Seconds(5));
    }

    [Fact]
    public void SlowCallbackDuration_ZeroOrNegative_IsRefused()
    {
        Action zero = () => _ = EventLoopOptions.Default with { SlowCallbackDuration = TimeSpan.Zero };
        Action negative = () => _ = EventLoopOptions.Default with { SlowCallbackDuration = TimeSpan.FromSeconds(-1) };

        zero.Should().Throw<ArgumentOutOfRangeException>();
        negative.Should().Throw<ArgumentOutOfRangeException>();
    }
}
