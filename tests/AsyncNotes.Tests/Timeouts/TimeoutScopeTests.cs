using AsyncNotes.Tests.Infrastructure;

namespace AsyncNotes.Tests.Timeouts;

// TO-11's "not entered", "entered twice" and "entered outside a task" misuses cannot be written: the scope only exists inside
// the delegate that TimeoutAsync calls once.
public sealed class TimeoutScopeTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private static DateTimeOffset Start => EventLoopOptions.Virtual.VirtualStart;

    // TO-10: the deadline can be moved later; When follows.
    [Fact]
    public void Reschedule_Later_LetsTheWorkFinish()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            await AsyncIO.TimeoutAsync(TestLoop.Seconds(1), async scope =>
            {
                scope.Reschedule(Start + TestLoop.Seconds(5));
                log.AddAt($"when +{(scope.When - Start)!.Value.TotalSeconds}");
                await AsyncIO.SleepAsync(TestLoop.Seconds(3), scope.Token);
                log.AddAt($"done, expired {scope.Expired}");
            });
        });

        log.Entries.Should().Equal("when +5@0", "done, expired False@3");
    }

    // TO-10: the deadline can be removed; an outside cancellation afterwards is OperationCanceledException and not expired.
    [Fact]
    public void Reschedule_NullThenOuterCancellation_SurfacesAsOperationCanceledNotExpired()
    {
        var log = new EventLog();
        TimeoutScope? seen = null;

        TestLoop.RunVirtual(async () =>
        {
            using var cts = new CancellationTokenSource(TestLoop.Seconds(5), TestLoop.Current.Time);
            Exception? error = await Capture.ExceptionAsync(() => AsyncIO.TimeoutAsync(
                TestLoop.Seconds(1),
                async scope =>
                {
                    seen = scope;
                    scope.Reschedule(null);
                    await AsyncIO.SleepAsync(Hour, scope.Token);
                },
                cancellationToken: cts.Token));
            log.AddAt($"OCE {error is OperationCanceledException}, expired {seen!.Expired}, when null {seen.When is null}");
        });

        log.Entries.Should().Equal("OCE True, expired False, when null True@5");
    }

    [Fact]
    public void Reschedule_Earlier_TimesOutAtTheNewDeadline()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            Exception? error = await Capture.ExceptionAsync(() => AsyncIO.TimeoutAsync(TestLoop.Seconds(10), async scope =>
            {
                await AsyncIO.SleepAsync(TestLoop.Seconds(1), scope.Token);
                scope.Reschedule(Start + TestLoop.Seconds(2));
                await AsyncIO.SleepAsync(Hour, scope.Token);
            }));
            log.AddAt($"{error?.GetType().Name}");
        });

        log.Entries.Should().Equal("TimeoutException@2");
    }

    // A deadline already past expires the scope at the loop's next turn, not inside Reschedule (asyncio's call_soon).
    [Fact]
    public void Reschedule_ToThePast_ExpiresAtTheNextTurnNotInsideTheCall()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            Exception? error = await Capture.ExceptionAsync(() => AsyncIO.TimeoutAsync(TestLoop.Seconds(10), async scope =>
            {
                await AsyncIO.SleepAsync(TestLoop.Seconds(1), scope.Token);
                scope.Reschedule(Start);
                log.AddAt($"after Reschedule: cancelled {scope.Token.IsCancellationRequested}");
                await AsyncIO.SleepAsync(TimeSpan.Zero, scope.Token);
                log.AddAt("never");
            }));
            log.AddAt($"{error?.GetType().Name}");
        });

        log.Entries.Should().Equal("after Reschedule: cancelled False@1", "TimeoutException@1");
    }

    [Fact]
    public void RescheduleAfter_Delay_IsMeasuredFromNow()
    {
        var log = new EventLog();
        TimeoutScope? seen = null;

        TestLoop.RunVirtual(async () =>
        {
            Exception? error = await Capture.ExceptionAsync(() => AsyncIO.TimeoutAsync(null, async scope =>
            {
                seen = scope;
                await AsyncIO.SleepAsync(TestLoop.Seconds(2), scope.Token);
                scope.RescheduleAfter(TestLoop.Seconds(3));
                await AsyncIO.SleepAsync(Hour, scope.Token);
            }));
            log.AddAt($"{error?.GetType().Name}");
        });

        log.Entries.Should().Equal("TimeoutException@5");
        seen!.When.Should().Be(Start + TestLoop.Seconds(5));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RescheduleAfter_NullOrInfinite_RemovesTheDeadline(bool infinite)
    {
        TimeoutScope? seen = null;

        TimeSpan end = TestLoop.RunVirtual(async () =>
        {
            await AsyncIO.TimeoutAsync(TestLoop.Seconds(1), async scope =>
            {
                seen = scope;
                scope.RescheduleAfter(infinite ? Timeout.InfiniteTimeSpan : null);
                await AsyncIO.SleepAsync(TestLoop.Seconds(30), scope.Token);
            });
            return TestLoop.Now;
        });

        end.Should().Be(TestLoop.Seconds(30));
        seen!.When.Should().BeNull();
    }

    // TO-11 (finished): rescheduling after the run ended is refused.
    [Fact]
    public void Reschedule_AfterTheRunFinished_ThrowsInvalidOperation()
    {
        TimeoutScope scope = TestLoop.RunVirtual(() => AsyncIO.TimeoutAsync(TestLoop.Seconds(1), s => Task.FromResult(s)));

        Action act = () => scope.Reschedule(Start + Hour);

        act.Should().Throw<InvalidOperationException>();
        scope.Expired.Should().BeFalse();
    }

    // TO-11 (expired): rescheduling a scope that timed out is refused.
    [Fact]
    public void Reschedule_AfterExpiry_ThrowsInvalidOperation()
    {
        TimeoutScope? seen = null;
        TestLoop.RunVirtual(() => Capture.ExceptionAsync(() => AsyncIO.TimeoutAsync(TestLoop.Seconds(1), scope =>
        {
            seen = scope;
            return AsyncIO.SleepAsync(Hour, scope.Token);
        })));

        Action act = () => seen!.RescheduleAfter(Hour);

        act.Should().Throw<InvalidOperationException>();
        seen!.Expired.Should().BeTrue();
    }

    // TO-11 (expiring): rescheduling while the deadline's cancellation is unwinding the work is refused.
    [Fact]
    public void Reschedule_WhileExpiring_ThrowsInvalidOperation()
    {
        Exception? rescheduleError = null;

        Exception? error = TestLoop.RunVirtual(() => Capture.ExceptionAsync(() => AsyncIO.TimeoutAsync(TestLoop.Seconds(1), async scope =>
        {
            try
            {
                await AsyncIO.SleepAsync(Hour, scope.Token);
            }
            catch (OperationCanceledException)
            {
                rescheduleError = Record.Exception(() => scope.Reschedule(null));
                throw;
            }
        })));

        rescheduleError.Should().BeOfType<InvalidOperationException>();
        error.Should().BeOfType<TimeoutException>();
    }

    [Fact]
    public async Task Reschedule_OffTheLoop_MovesTheSystemTimer()
    {
        EventLoop.Current.Should().BeNull();
        CancellationToken testToken = TestContext.Current.CancellationToken;

        Exception? error = await Capture.ExceptionAsync(() => AsyncIO.TimeoutAsync(
                TimeSpan.FromMinutes(10),
                scope =>
                {
                    scope.RescheduleAfter(TimeSpan.FromMilliseconds(50));
                    return Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, scope.Token);
                },
                TimeProvider.System,
                testToken)
            .WaitAsync(TimeSpan.FromSeconds(30), TimeProvider.System, testToken));

        error.Should().BeOfType<TimeoutException>();
    }
}
