using AsyncNotes.Tests.Infrastructure;

namespace AsyncNotes.Tests.Timeouts;

public sealed class TimeoutTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private static DateTimeOffset Start => EventLoopOptions.Virtual.VirtualStart;

    // TO-01: a long await inside the scope ends with TimeoutException at the deadline; the scope is expired and reports it.
    [Fact]
    public void TimeoutAsync_LongAwait_ThrowsTimeoutAtTheDeadlineAndTheScopeIsExpired()
    {
        var log = new EventLog();
        TimeoutScope? seen = null;

        TestLoop.RunVirtual(async () =>
        {
            Exception? error = await Capture.ExceptionAsync(() => AsyncIO.TimeoutAsync(TestLoop.Seconds(2), async scope =>
            {
                seen = scope;
                await AsyncIO.SleepAsync(Hour, scope.Token);
            }));
            log.AddAt($"{error?.GetType().Name}, expired {seen!.Expired}");
        });

        log.Entries.Should().Equal("TimeoutException, expired True@2");
        seen!.When.Should().Be(Start + TestLoop.Seconds(2));
    }

    // TO-01 (timeout_at): the same with an absolute deadline on the loop's clock.
    [Fact]
    public void TimeoutAtAsync_LongAwait_ThrowsTimeoutAtTheDeadline()
    {
        var log = new EventLog();
        TimeoutScope? seen = null;

        TestLoop.RunVirtual(async () =>
        {
            DateTimeOffset deadline = TestLoop.Current.Time.GetUtcNow() + TestLoop.Seconds(3);
            Exception? error = await Capture.ExceptionAsync(() => AsyncIO.TimeoutAtAsync(deadline, async scope =>
            {
                seen = scope;
                await AsyncIO.SleepAsync(Hour, scope.Token);
                return 1;
            }));
            log.AddAt($"{error?.GetType().Name}, expired {seen!.Expired}");
        });

        log.Entries.Should().Equal("TimeoutException, expired True@3");
        seen!.When.Should().Be(Start + TestLoop.Seconds(3));
    }

    // TO-02: the work sees OperationCanceledException at the deadline; the caller sees TimeoutException.
    [Fact]
    public void TimeoutAsync_Deadline_TheWorkSeesOperationCanceledAndTheCallerATimeout()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            Exception? error = await Capture.ExceptionAsync(() => AsyncIO.TimeoutAsync(TestLoop.Seconds(1), async scope =>
            {
                try
                {
                    await AsyncIO.SleepAsync(Hour, scope.Token);
                }
                catch (OperationCanceledException)
                {
                    log.AddAt("work saw OCE");
                    throw;
                }
            }));
            log.AddAt($"caller saw {error?.GetType().Name}");
        });

        log.Entries.Should().Equal("work saw OCE@1", "caller saw TimeoutException@1");
    }

    // TO-04: a scope that finishes early is not expired and its deadline is still in the future; its timer is released.
    [Fact]
    public void TimeoutAsync_WorkFinishesEarly_NotExpiredDeadlineStillAheadNoTimerLeft()
    {
        var log = new EventLog();
        TimeoutScope? seen = null;

        TestLoop.RunVirtual(async () =>
        {
            int result = await AsyncIO.TimeoutAsync(TestLoop.Seconds(5), scope =>
            {
                seen = scope;
                return AsyncIO.SleepAsync(TestLoop.Seconds(1), 8, scope.Token);
            });
            log.AddAt($"result {result}, expired {seen!.Expired}, deadline ahead {seen.When > TestLoop.Current.Time.GetUtcNow()}, timers {TestLoop.Current.PendingTimerCount}");
            await AsyncIO.SleepAsync(TestLoop.Seconds(10));
            log.AddAt($"expired later {seen.Expired}, token {seen.Token.IsCancellationRequested}");
        });

        log.Entries.Should().Equal("result 8, expired False, deadline ahead True, timers 0@1", "expired later False, token False@11");
    }

    // TO-04 (disabled): no deadline never expires and reports When == null.
    [Theory]
    [InlineData("null delay")]
    [InlineData("infinite delay")]
    [InlineData("null deadline")]
    public void TimeoutAsync_NoDeadline_NeverExpiresAndWhenIsNull(string form)
    {
        TimeoutScope? seen = null;
        Func<TimeoutScope, Task<int>> work = scope =>
        {
            seen = scope;
            return AsyncIO.SleepAsync(TimeSpan.FromDays(365), 1, scope.Token);
        };

        TimeSpan end = TestLoop.RunVirtual(async () =>
        {
            await (form switch
            {
                "null delay" => AsyncIO.TimeoutAsync(null, work),
                "infinite delay" => AsyncIO.TimeoutAsync(Timeout.InfiniteTimeSpan, work),
                _ => AsyncIO.TimeoutAtAsync(null, work),
            });
            return TestLoop.Now;
        });

        end.Should().Be(TimeSpan.FromDays(365));
        seen!.When.Should().BeNull();
        seen.Expired.Should().BeFalse();
    }

    // TO-05: a zero or negative delay times out at the first token-aware await, even a zero-length sleep.
    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(-1000)]
    public void TimeoutAsync_ZeroOrNegativeDelay_TimesOutAtTheFirstTokenAwareAwait(double seconds)
    {
        var log = new EventLog();
        TimeoutScope? seen = null;

        TestLoop.RunVirtual(async () =>
        {
            Exception? error = await Capture.ExceptionAsync(() => AsyncIO.TimeoutAsync(TestLoop.Seconds(seconds), async scope =>
            {
                seen = scope;
                log.AddAt("work starts");
                await AsyncIO.SleepAsync(TimeSpan.Zero, scope.Token);
                log.AddAt("never");
            }));
            log.AddAt($"{error?.GetType().Name}, expired {seen!.Expired}");
        });

        log.Entries.Should().Equal("work starts@0", "TimeoutException, expired True@0");
        seen!.When.Should().BeOnOrBefore(Start);
    }

    // Documented difference: the token is cancelled before the work starts, so the scope is expired even if the work never
    // awaits and returns normally (asyncio's block that never suspends is not expired).
    [Fact]
    public void TimeoutAsync_ZeroDelayWorkThatNeverAwaits_ReturnsItsResultButIsExpired()
    {
        TimeoutScope? seen = null;

        int result = TestLoop.RunVirtual(() => AsyncIO.TimeoutAsync(TimeSpan.Zero, scope =>
        {
            seen = scope;
            return Task.FromResult(scope.Token.IsCancellationRequested ? 1 : 0);
        }));

        result.Should().Be(1);
        seen!.Expired.Should().BeTrue();
    }

    // TO-05 (timeout_at in the past): the same with an absolute deadline already gone.
    [Fact]
    public void TimeoutAtAsync_DeadlineInThePast_TimesOutAtTheFirstTokenAwareAwait()
    {
        TimeoutScope? seen = null;

        Exception? error = TestLoop.RunVirtual(async () =>
        {
            await AsyncIO.SleepAsync(TestLoop.Seconds(5));
            DateTimeOffset past = TestLoop.Current.Time.GetUtcNow() - TestLoop.Seconds(1);
            return await Capture.ExceptionAsync(() => AsyncIO.TimeoutAtAsync(past, async scope =>
            {
                seen = scope;
                await AsyncIO.SleepAsync(TimeSpan.Zero, scope.Token);
            }));
        });

        error.Should().BeOfType<TimeoutException>();
        seen!.When.Should().Be(Start + TestLoop.Seconds(4));
    }

    // TO-06: another exception leaves the scope unchanged, and the scope is not expired.
    [Fact]
    public void TimeoutAsync_OtherException_PassesUnchangedAndNotExpired()
    {
        var boom = new InvalidOperationException("boom");
        TimeoutScope? seen = null;

        Exception? error = TestLoop.RunVirtual(() => Capture.ExceptionAsync(() => AsyncIO.TimeoutAsync(TestLoop.Seconds(10), async scope =>
        {
            seen = scope;
            await AsyncIO.SleepAsync(TestLoop.Seconds(1), scope.Token);
            throw boom;
        })));

        error.Should().BeSameAs(boom);
        seen!.Expired.Should().BeFalse();
    }

    // TO-06 (on timeout): cleanup that throws while the deadline cancels the work: that exception escapes, not a timeout.
    [Fact]
    public void TimeoutAsync_CleanupThrowsAfterTheDeadline_ThatExceptionEscapes()
    {
        var boom = new InvalidOperationException("cleanup failed");
        TimeoutScope? seen = null;

        (Exception? error, TimeSpan at) = TestLoop.RunVirtual(async () =>
        {
            Exception? caught = await Capture.ExceptionAsync(() => AsyncIO.TimeoutAsync(TestLoop.Seconds(1), async scope =>
            {
                seen = scope;
                try
                {
                    await AsyncIO.SleepAsync(Hour, scope.Token);
                }
                catch (OperationCanceledException)
                {
                    throw boom;
                }
            }));
            return (caught, TestLoop.Now);
        });

        error.Should().BeSameAs(boom);
        at.Should().Be(TestLoop.Seconds(1));
        seen!.Expired.Should().BeTrue("the deadline did fire; only the exception is the work's own");
    }

    // TO-08: a method that handled the TimeoutException ends RanToCompletion; nothing cancelled leaks to its caller.
    [Fact]
    public void TimeoutAsync_CallerHandlesTheTimeout_ItsOwnTaskEndsRanToCompletion()
    {
        Task<string>? handler = null;

        string result = TestLoop.RunVirtual(async () =>
        {
            async Task<string> HandlerAsync()
            {
                try
                {
                    await AsyncIO.TimeoutAsync(TestLoop.Seconds(1), scope => AsyncIO.SleepAsync(Hour, scope.Token));
                    return "finished";
                }
                catch (TimeoutException)
                {
                    await AsyncIO.SleepAsync(TestLoop.Seconds(1));
                    return "handled";
                }
            }

            handler = HandlerAsync();
            return await handler;
        });

        result.Should().Be("handled");
        handler!.Status.Should().Be(TaskStatus.RanToCompletion);
    }

    // Work that swallows the cancellation and returns: its result is returned, and the scope reports it expired (asyncio).
    [Fact]
    public void TimeoutAsync_WorkSwallowsTheCancellation_ReturnsItsResultAndIsExpired()
    {
        TimeoutScope? seen = null;

        string result = TestLoop.RunVirtual(() => AsyncIO.TimeoutAsync(TestLoop.Seconds(1), async scope =>
        {
            seen = scope;
            try
            {
                await AsyncIO.SleepAsync(Hour, scope.Token);
                return "finished";
            }
            catch (OperationCanceledException)
            {
                return "swallowed";
            }
        }));

        result.Should().Be("swallowed");
        seen!.Expired.Should().BeTrue();
    }

    // The caller's own cancellation stays OperationCanceledException and the scope is not expired.
    [Fact]
    public void TimeoutAsync_CallersTokenCancelled_StaysOperationCanceledAndNotExpired()
    {
        var log = new EventLog();
        TimeoutScope? seen = null;

        TestLoop.RunVirtual(async () =>
        {
            using var cts = new CancellationTokenSource(TestLoop.Seconds(1), TestLoop.Current.Time);
            Exception? error = await Capture.ExceptionAsync(() => AsyncIO.TimeoutAsync(
                TestLoop.Seconds(5),
                async scope =>
                {
                    seen = scope;
                    await AsyncIO.SleepAsync(Hour, scope.Token);
                },
                cancellationToken: cts.Token));
            log.AddAt($"OCE {error is OperationCanceledException}, expired {seen!.Expired}");
        });

        log.Entries.Should().Equal("OCE True, expired False@1");
    }

    // Waits for the work to exit: cleanup that takes time after the deadline delays the TimeoutException.
    [Fact]
    public void TimeoutAsync_SlowCleanup_ThrowsOnlyWhenTheWorkHasExited()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            Exception? error = await Capture.ExceptionAsync(() => AsyncIO.TimeoutAsync(TestLoop.Seconds(1), async scope =>
            {
                try
                {
                    await AsyncIO.SleepAsync(Hour, scope.Token);
                }
                finally
                {
                    await AsyncIO.SleepAsync(TestLoop.Seconds(2), CancellationToken.None);
                    log.AddAt("work exited");
                }
            }));
            log.AddAt($"{error?.GetType().Name}");
        });

        log.Entries.Should().Equal("work exited@3", "TimeoutException@3");
    }

    // Nesting: an inner, shorter scope times out; the outer code catches its TimeoutException and carries on.
    [Fact]
    public void TimeoutAsync_InnerShorterScopeExpires_OuterCodeCatchesItAndContinues()
    {
        var log = new EventLog();
        TimeoutScope? outerScope = null;
        TimeoutScope? innerScope = null;

        TestLoop.RunVirtual(() => AsyncIO.TimeoutAsync(TestLoop.Seconds(10), async outer =>
        {
            outerScope = outer;
            try
            {
                await AsyncIO.TimeoutAsync(
                    TestLoop.Seconds(1),
                    async inner =>
                    {
                        innerScope = inner;
                        await AsyncIO.SleepAsync(Hour, inner.Token);
                    },
                    cancellationToken: outer.Token);
            }
            catch (TimeoutException)
            {
                log.AddAt("inner timed out");
            }

            await AsyncIO.SleepAsync(TestLoop.Seconds(2), outer.Token);
            log.AddAt("outer done");
        }));

        log.Entries.Should().Equal("inner timed out@1", "outer done@3");
        innerScope!.Expired.Should().BeTrue();
        outerScope!.Expired.Should().BeFalse();
    }

    // Nesting: the outer deadline fires while the inner scope runs; the inner passes the outer's cancellation on unchanged
    // (an OperationCanceledException, not its own TimeoutException), and the caller gets the outer's TimeoutException.
    [Fact]
    public void TimeoutAsync_OuterExpiresWhileInnerRuns_InnerPassesTheCancellationAndOuterTimesOut()
    {
        var log = new EventLog();
        TimeoutScope? outerScope = null;
        TimeoutScope? innerScope = null;

        TestLoop.RunVirtual(async () =>
        {
            Exception? error = await Capture.ExceptionAsync(() => AsyncIO.TimeoutAsync(TestLoop.Seconds(1), async outer =>
            {
                outerScope = outer;
                Exception? innerError = await Capture.ExceptionAsync(() => AsyncIO.TimeoutAsync(
                    TestLoop.Seconds(10),
                    async inner =>
                    {
                        innerScope = inner;
                        await AsyncIO.SleepAsync(Hour, inner.Token);
                    },
                    cancellationToken: outer.Token));
                log.AddAt($"inner call threw {innerError?.GetType().Name}");
                throw innerError!;
            }));
            log.AddAt($"caller got {error?.GetType().Name}");
        });

        log.Entries.Should().Equal("inner call threw TaskCanceledException@1", "caller got TimeoutException@1");
        innerScope!.Expired.Should().BeFalse();
        outerScope!.Expired.Should().BeTrue();
    }

    // TO-12: a new scope in a finally that runs because of a timeout works on its own token and raises its own timeout;
    // TO-13: each TimeoutException wraps its own scope's cancellation.
    [Fact]
    public void TimeoutAsync_NewScopeInFinallyAfterATimeout_RaisesItsOwnTimeout()
    {
        var log = new EventLog();
        OperationCanceledException? innerCancellation = null;

        TestLoop.RunVirtual(async () =>
        {
            Exception? error = await Capture.ExceptionAsync(() => AsyncIO.TimeoutAsync(TestLoop.Seconds(1), async outer =>
            {
                try
                {
                    await AsyncIO.SleepAsync(Hour, outer.Token);
                }
                finally
                {
                    log.AddAt($"cleanup, outer token cancelled {outer.Token.IsCancellationRequested}");
                    await AsyncIO.TimeoutAsync(TestLoop.Seconds(1), async cleanup =>
                    {
                        try
                        {
                            await AsyncIO.SleepAsync(Hour, cleanup.Token);
                        }
                        catch (OperationCanceledException canceled)
                        {
                            innerCancellation = canceled;
#pragma warning disable CA2219 // The case under test: a scope used inside finally (asyncio's test_nested_timeout_in_finally).
                            throw;
#pragma warning restore CA2219
                        }
                    });
                }
            }));
            log.AddAt($"caller got {error?.GetType().Name}");
            error!.InnerException.Should().BeSameAs(innerCancellation);
        });

        log.Entries.Should().Equal("cleanup, outer token cancelled True@1", "caller got TimeoutException@2");
    }

    // TO-12 (after cancellation): after catching an outer cancellation, a new scope still times out on its own, and a new
    // cancellation of it surfaces as OperationCanceledException.
    [Fact]
    public void TimeoutAsync_NewScopeAfterACaughtCancellation_WorksIndependently()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            using var first = new CancellationTokenSource(TestLoop.Seconds(1), TestLoop.Current.Time);
            try
            {
                await AsyncIO.TimeoutAsync(TestLoop.Seconds(10), s => AsyncIO.SleepAsync(Hour, s.Token), cancellationToken: first.Token);
            }
            catch (OperationCanceledException)
            {
                log.AddAt("cancelled");
                Exception? timedOut = await Capture.ExceptionAsync(() => AsyncIO.TimeoutAsync(TestLoop.Seconds(1), s => AsyncIO.SleepAsync(Hour, s.Token)));
                log.AddAt($"new scope: {timedOut?.GetType().Name}");

                using var second = new CancellationTokenSource(TestLoop.Seconds(1), TestLoop.Current.Time);
                Exception? cancelledAgain = await Capture.ExceptionAsync(() => AsyncIO.TimeoutAsync(TestLoop.Seconds(10), s => AsyncIO.SleepAsync(Hour, s.Token), cancellationToken: second.Token));
                log.AddAt($"cancelled anew: OCE {cancelledAgain is OperationCanceledException}");
            }
        });

        log.Entries.Should().Equal("cancelled@1", "new scope: TimeoutException@2", "cancelled anew: OCE True@3");
    }

    // TO-13: the TimeoutException's InnerException is the OperationCanceledException the deadline produced in the work.
    [Fact]
    public void TimeoutAsync_Timeout_InnerExceptionIsTheWorksCancellation()
    {
        OperationCanceledException? fromWork = null;

        Exception? error = TestLoop.RunVirtual(() => Capture.ExceptionAsync(() => AsyncIO.TimeoutAsync(TestLoop.Seconds(1), async scope =>
        {
            try
            {
                await AsyncIO.SleepAsync(Hour, scope.Token);
            }
            catch (OperationCanceledException canceled)
            {
                fromWork = canceled;
                throw;
            }
        })));

        error.Should().BeOfType<TimeoutException>().Which.InnerException.Should().BeSameAs(fromWork);
        fromWork!.CancellationToken.IsCancellationRequested.Should().BeTrue();
    }

    // Leaves nothing behind: the deadline's timer is released whether the work finished, failed or timed out.
    [Fact]
    public void TimeoutAsync_AnyOutcome_LeavesNoTimerArmed()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            await AsyncIO.TimeoutAsync(TestLoop.Seconds(5), s => AsyncIO.SleepAsync(TestLoop.Seconds(1), s.Token));
            log.Add($"finished: {TestLoop.Current.PendingTimerCount}");
            await Capture.ExceptionAsync(() => AsyncIO.TimeoutAsync(TestLoop.Seconds(5), _ => throw new InvalidOperationException()));
            log.Add($"failed: {TestLoop.Current.PendingTimerCount}");
            await Capture.ExceptionAsync(() => AsyncIO.TimeoutAsync(TestLoop.Seconds(1), s => AsyncIO.SleepAsync(Hour, s.Token)));
            log.Add($"timed out: {TestLoop.Current.PendingTimerCount}");
        });

        log.Entries.Should().Equal("finished: 0", "failed: 0", "timed out: 0");
    }

    // .NET difference: the BCL's linked CancelAfter surfaces the deadline as OperationCanceledException, indistinguishable
    // from the caller's own cancellation.
    [Fact]
    public void CancelAfter_LinkedDeadline_SurfacesAsOperationCanceled_UnlikeTimeoutAsync()
    {
        (Exception? bcl, Exception? ours) = TestLoop.RunVirtual(async () =>
        {
            using var caller = new CancellationTokenSource();
            using var deadline = new CancellationTokenSource(TestLoop.Seconds(1), TestLoop.Current.Time); // CancelAfter on the loop's clock
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(caller.Token, deadline.Token);
            Exception? bclError = await Capture.ExceptionAsync(() => AsyncIO.SleepAsync(Hour, linked.Token));
            Exception? ourError = await Capture.ExceptionAsync(() => AsyncIO.TimeoutAsync(TestLoop.Seconds(1), s => AsyncIO.SleepAsync(Hour, s.Token), cancellationToken: caller.Token));
            return (bclError, ourError);
        });

        bcl.Should().BeAssignableTo<OperationCanceledException>();
        ours.Should().BeOfType<TimeoutException>();
    }

    [Fact]
    public void TimeoutAsync_NullWork_ThrowsArgumentNullException()
    {
        Action generic = () => _ = AsyncIO.TimeoutAsync(TimeSpan.FromSeconds(1), (Func<TimeoutScope, Task<int>>)null!);
        Action plain = () => _ = AsyncIO.TimeoutAsync(TimeSpan.FromSeconds(1), (Func<TimeoutScope, Task>)null!);
        Action genericAt = () => _ = AsyncIO.TimeoutAtAsync(DateTimeOffset.MaxValue, (Func<TimeoutScope, Task<int>>)null!);
        Action plainAt = () => _ = AsyncIO.TimeoutAtAsync(DateTimeOffset.MaxValue, (Func<TimeoutScope, Task>)null!);

        generic.Should().Throw<ArgumentNullException>().WithParameterName("work");
        plain.Should().Throw<ArgumentNullException>().WithParameterName("work");
        genericAt.Should().Throw<ArgumentNullException>().WithParameterName("work");
        plainAt.Should().Throw<ArgumentNullException>().WithParameterName("work");
    }

    [Fact]
    public void TimeoutAsync_HugeDelay_SaturatesInsteadOfOverflowing()
    {
        TimeoutScope? seen = null;

        int result = TestLoop.RunVirtual(() => AsyncIO.TimeoutAsync(TimeSpan.MaxValue, scope =>
        {
            seen = scope;
            return AsyncIO.SleepAsync(TestLoop.Seconds(1), 1, scope.Token);
        }));

        result.Should().Be(1);
        seen!.When.Should().Be(DateTimeOffset.MaxValue);
    }

    [Fact]
    public async Task TimeoutAsync_OffTheLoop_TimesOutOnTheSystemClock()
    {
        EventLoop.Current.Should().BeNull();
        CancellationToken testToken = TestContext.Current.CancellationToken;
        TimeoutScope? seen = null;

        Exception? error = await Capture.ExceptionAsync(() => AsyncIO.TimeoutAsync(
                TimeSpan.FromMilliseconds(50),
                scope =>
                {
                    seen = scope;
                    return Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, scope.Token);
                },
                cancellationToken: testToken)
            .WaitAsync(TimeSpan.FromSeconds(30), TimeProvider.System, testToken));

        error.Should().BeOfType<TimeoutException>();
        seen!.Expired.Should().BeTrue();
    }

    // Off the loop, the injected clock is the only clock: the deadline is on it, and only moving it fires the timeout.
    [Fact]
    public async Task TimeoutAsync_OffTheLoopWithAnInjectedClock_UsesIt()
    {
        CancellationToken testToken = TestContext.Current.CancellationToken;
        var time = new ManualTimeProvider();
        DateTimeOffset start = time.GetUtcNow();
        TimeoutScope? seen = null;
        var workStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Task<int> run = AsyncIO.TimeoutAsync(
            TimeSpan.FromMinutes(10),
            async scope =>
            {
                seen = scope;
                workStarted.SetResult();
                await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, scope.Token);
                return 3;
            },
            time,
            testToken);
        await workStarted.Task.WaitAsync(TimeSpan.FromSeconds(30), TimeProvider.System, testToken);

        seen!.When.Should().Be(start + TimeSpan.FromMinutes(10), "the deadline is read from the injected clock");
        time.ActiveTimerCount.Should().Be(1, "the deadline's timer is armed on the injected clock");
        time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromTicks(1));
        run.IsCompleted.Should().BeFalse("the injected clock has not reached the deadline");
        seen.Expired.Should().BeFalse();

        time.Advance(TimeSpan.FromTicks(1));
        Exception? error = await Record.ExceptionAsync(() => run.WaitAsync(TimeSpan.FromSeconds(30), TimeProvider.System, testToken));

        error.Should().BeOfType<TimeoutException>();
        seen.Expired.Should().BeTrue();
        time.ActiveTimerCount.Should().Be(0, "the deadline's timer is released when the run ends");
    }
}
