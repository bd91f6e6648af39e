using AsyncNotes.Tests.Infrastructure;

namespace AsyncNotes.Tests.Timeouts;

public sealed class WaitForTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    // WF-01: at the deadline the work is cancelled; its cleanup has finished before TimeoutException reaches the caller.
    [Fact]
    public void WaitForAsync_Deadline_CancelsTheWorkAndThrowsOnlyAfterItsCleanup()
    {
        var log = new EventLog();
        Task? workTask = null;

        TestLoop.RunVirtual(async () =>
        {
            async Task<int> WorkAsync(CancellationToken ct)
            {
                try
                {
                    await AsyncIO.SleepAsync(Hour, ct);
                    return 1;
                }
                finally
                {
                    log.AddAt("cleanup starts");
                    await AsyncIO.SleepAsync(TestLoop.Seconds(1), CancellationToken.None);
                    log.AddAt("cleanup ends");
                }
            }

            Exception? error = await Capture.ExceptionAsync(() => AsyncIO.WaitForAsync(ct => workTask = WorkAsync(ct), TestLoop.Seconds(2)));
            log.AddAt($"caller got {error?.GetType().Name}, inner {error?.InnerException?.GetType().Name}");
        });

        log.Entries.Should().Equal("cleanup starts@2", "cleanup ends@3", "caller got TimeoutException, inner TaskCanceledException@3");
        workTask!.IsCanceled.Should().BeTrue();
    }

    // WF-03 (coroutine not started): with a delegate and a zero or negative timeout the delegate is never invoked.
    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(-0.002)] // not -0.001: exactly -1 ms is Timeout.InfiniteTimeSpan, which means no limit (WF-05)
    public void WaitForAsync_DelegateWithNonPositiveTimeout_NeverInvokesItAndThrowsAfterOneTurn(double seconds)
    {
        bool invoked = false;

        TestLoop.RunVirtual(async () =>
        {
            Task<int> waiting = AsyncIO.WaitForAsync(
                ct =>
                {
                    invoked = true;
                    return Task.FromResult(1);
                },
                TestLoop.Seconds(seconds));
            // As asyncio's wait_for(coro, 0): the timeout surfaces one turn later, after the callbacks already queued (trace 33);
            // no time passes. (This test once expected a task failed at once.)
            waiting.IsCompleted.Should().BeFalse("the timeout surfaces after one turn of the loop");
            Exception? error = await Capture.ExceptionAsync(() => waiting);
            error.Should().BeOfType<TimeoutException>().Which.InnerException.Should().BeAssignableTo<OperationCanceledException>();
            TestLoop.Now.Should().Be(TimeSpan.Zero);
        });

        invoked.Should().BeFalse();
    }

    // WF-03 (non-generic delegate form): same rule.
    [Fact]
    public void WaitForAsync_NonGenericDelegateWithZeroTimeout_NeverInvokesIt()
    {
        bool invoked = false;

        TestLoop.RunVirtual(async () =>
        {
            Exception? error = await Capture.ExceptionAsync(() => AsyncIO.WaitForAsync(
                ct =>
                {
                    invoked = true;
                    return Task.CompletedTask;
                },
                TimeSpan.Zero));
            error.Should().BeOfType<TimeoutException>();
        });

        invoked.Should().BeFalse();
    }

    // WF-03 (future_done): an already completed task returns its result even with a zero or negative timeout.
    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void WaitForAsync_CompletedTaskWithNonPositiveTimeout_ReturnsItsResult(double seconds)
    {
        int result = TestLoop.RunVirtual(() => AsyncIO.WaitForAsync(Task.FromResult(42), TestLoop.Seconds(seconds)));

        result.Should().Be(42);
    }

    [Fact]
    public void WaitForAsync_FaultedTaskWithZeroTimeout_ThrowsItsException()
    {
        var boom = new InvalidOperationException("boom");

        Exception? error = TestLoop.RunVirtual(() => Capture.ExceptionAsync(() => AsyncIO.WaitForAsync(Task.FromException<int>(boom), TimeSpan.Zero)));

        error.Should().BeSameAs(boom);
    }

    // WF-04: asyncio cancels an already running task given timeout 0 and awaits its cleanup. A C# hot task cannot be cancelled
    // by whoever awaits it: the task form throws at once and leaves it running (documented difference); the delegate form
    // (WF-03) is the one that cancels. SH-06 (with a task we did not start): at a positive deadline, the same: the task
    // form times out without cancelling the task, which later completes.
    [Theory]
    [InlineData(0, 0)]
    [InlineData(-1, 0)]
    [InlineData(2, 2)]
    public void WaitForAsync_RunningTaskTimesOut_ThrowsAndLeavesTheTaskRunningToCompletion(double seconds, int thrownAt)
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            Task<int> running = AsyncIO.SleepAsync(TestLoop.Seconds(3), 7);
            Exception? error = await Capture.ExceptionAsync(() => AsyncIO.WaitForAsync(running, TestLoop.Seconds(seconds)));
            log.AddAt($"caller got {error?.GetType().Name}");
            log.AddAt($"task {await running} {running.Status}");
        });

        log.Entries.Should().Equal($"caller got TimeoutException@{thrownAt}", "task 7 RanToCompletion@3");
    }

    // WF-04 with a zero-delay scope: work already given the token is cancelled and its cleanup awaited, then TimeoutException.
    [Fact]
    public void TimeoutAsync_ZeroDelayAroundRunningWork_CancelsItAndAwaitsItsCleanup()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            Exception? error = await Capture.ExceptionAsync(() => AsyncIO.TimeoutAsync(TimeSpan.Zero, async scope =>
            {
                try
                {
                    await AsyncIO.SleepAsync(Hour, scope.Token);
                }
                finally
                {
                    await AsyncIO.SleepAsync(TestLoop.Seconds(1));
                    log.AddAt("cleanup done");
                }
            }));
            log.AddAt($"caller got {error?.GetType().Name}");
        });

        log.Entries.Should().Equal("cleanup done@1", "caller got TimeoutException@1");
    }

    // WF-05: no limit means plain await semantics.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WaitForAsync_NoTimeout_WaitsAsLongAsTheWorkTakes(bool infinite)
    {
        TimeSpan? timeout = infinite ? Timeout.InfiniteTimeSpan : null;

        (int result, TimeSpan at) = TestLoop.RunVirtual(async () =>
        {
            int value = await AsyncIO.WaitForAsync(ct => AsyncIO.SleepAsync(TimeSpan.FromDays(30), 5, ct), timeout);
            return (value, TestLoop.Now);
        });

        result.Should().Be(5);
        at.Should().Be(TimeSpan.FromDays(30));
    }

    // WF-05: a result that arrives before the deadline is returned; the timer is released and never cancels anything later.
    [Fact]
    public void WaitForAsync_ResultBeforeTheDeadline_ReturnsItAndLeavesNoTimer()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            CancellationToken seen = default;
            int value = await AsyncIO.WaitForAsync(
                ct =>
                {
                    seen = ct;
                    return AsyncIO.SleepAsync(TestLoop.Seconds(1), 3, ct);
                },
                TestLoop.Seconds(2));
            log.AddAt($"result {value}, timers {TestLoop.Current.PendingTimerCount}");
            await AsyncIO.SleepAsync(TestLoop.Seconds(5));
            log.AddAt($"token cancelled {seen.IsCancellationRequested}");
        });

        log.Entries.Should().Equal("result 3, timers 0@1", "token cancelled False@6");
    }

    // 3.12 semantics: work that suppresses the cancellation and returns a value has that value returned.
    [Fact]
    public void WaitForAsync_WorkSuppressesTheCancellation_ReturnsItsResult()
    {
        (string result, TimeSpan at) = TestLoop.RunVirtual(async () =>
        {
            string value = await AsyncIO.WaitForAsync(
                async ct =>
                {
                    try
                    {
                        await AsyncIO.SleepAsync(Hour, ct);
                        return "finished";
                    }
                    catch (OperationCanceledException)
                    {
                        await AsyncIO.SleepAsync(TestLoop.Seconds(1), CancellationToken.None);
                        return "suppressed";
                    }
                },
                TestLoop.Seconds(2));
            return (value, TestLoop.Now);
        });

        result.Should().Be("suppressed");
        at.Should().Be(TestLoop.Seconds(3));
    }

    // WF-07: another exception raised while being cancelled propagates instead of TimeoutException.
    [Fact]
    public void WaitForAsync_WorkThrowsAnotherExceptionWhileCancelled_PropagatesIt()
    {
        var boom = new InvalidOperationException("cleanup failed");

        (Exception? error, TimeSpan at) = TestLoop.RunVirtual(async () =>
        {
            Exception? caught = await Capture.ExceptionAsync(() => AsyncIO.WaitForAsync(
                async ct =>
                {
                    try
                    {
                        await AsyncIO.SleepAsync(Hour, ct);
                    }
                    catch (OperationCanceledException)
                    {
                        await AsyncIO.SleepAsync(TestLoop.Seconds(1), CancellationToken.None);
                        throw boom;
                    }
                },
                TestLoop.Seconds(2)));
            return (caught, TestLoop.Now);
        });

        error.Should().BeSameAs(boom);
        at.Should().Be(TestLoop.Seconds(3));
    }

    // WF-08: the caller's token reaches the work with a finite timeout and with none.
    [Theory]
    [InlineData(10.0)]
    [InlineData(null)]
    public void WaitForAsync_CallersTokenCancelled_CancelsTheWorkAndStaysOperationCanceled(double? seconds)
    {
        var log = new EventLog();
        TimeSpan? timeout = seconds is { } s ? TestLoop.Seconds(s) : null;

        TestLoop.RunVirtual(async () =>
        {
            using var cts = new CancellationTokenSource();
            Task waiting = AsyncIO.WaitForAsync(
                async ct =>
                {
                    try
                    {
                        await AsyncIO.SleepAsync(Hour, ct);
                    }
                    catch (OperationCanceledException)
                    {
                        log.AddAt("work cancelled");
                        throw;
                    }
                },
                timeout,
                cancellationToken: cts.Token);
            await AsyncIO.SleepAsync(TestLoop.Seconds(2));
            cts.CancelOnLoop();
            Exception? error = await Capture.ExceptionAsync(() => waiting);
            log.AddAt($"caller got OCE {error is OperationCanceledException}");
        });

        log.Entries.Should().Equal("work cancelled@2", "caller got OCE True@2");
    }

    // WF-09: work that keeps ignoring the cancellation delays the timeout until it actually exits.
    [Fact]
    public void WaitForAsync_WorkSlowToExitAfterTheDeadline_ReturnsOnlyWhenItExits()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            bool exited = false;
            Exception? error = await Capture.ExceptionAsync(() => AsyncIO.WaitForAsync(
                async ct =>
                {
                    try
                    {
                        await AsyncIO.SleepAsync(Hour, ct);
                    }
                    finally
                    {
                        await AsyncIO.SleepAsync(TestLoop.Seconds(5), CancellationToken.None);
                        exited = true;
                    }
                },
                TestLoop.Seconds(1)));
            log.AddAt($"{error?.GetType().Name}, exited {exited}");
        });

        log.Entries.Should().Equal("TimeoutException, exited True@6");
    }

    // WF-09: the same when the caller's token cancelled it.
    [Fact]
    public void WaitForAsync_WorkSlowToExitAfterOuterCancel_ReturnsOnlyWhenItExits()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            using var cts = new CancellationTokenSource(TestLoop.Seconds(1), TestLoop.Current.Time);
            bool exited = false;
            Exception? error = await Capture.ExceptionAsync(() => AsyncIO.WaitForAsync(
                async ct =>
                {
                    try
                    {
                        await AsyncIO.SleepAsync(Hour, ct);
                    }
                    finally
                    {
                        await AsyncIO.SleepAsync(TestLoop.Seconds(5), CancellationToken.None);
                        exited = true;
                    }
                },
                TestLoop.Seconds(10),
                cancellationToken: cts.Token));
            log.AddAt($"OCE {error is OperationCanceledException}, exited {exited}");
        });

        log.Entries.Should().Equal("OCE True, exited True@6");
    }

    [Fact]
    public void WaitForAsync_RunningTaskBeforeTheDeadlineOrWithoutOne_ReturnsItsResult()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            log.AddAt($"{await AsyncIO.WaitForAsync(AsyncIO.SleepAsync(TestLoop.Seconds(1), 1), TestLoop.Seconds(2))}");
            log.AddAt($"{await AsyncIO.WaitForAsync(AsyncIO.SleepAsync(TestLoop.Seconds(1), 2), null)}");
            await AsyncIO.WaitForAsync(AsyncIO.SleepAsync(TestLoop.Seconds(1)), Timeout.InfiniteTimeSpan);
            log.AddAt("plain");
        });

        log.Entries.Should().Equal("1@1", "2@2", "plain@3");
    }

    [Fact]
    public void WaitForAsync_RunningTaskCallersTokenCancelled_ThrowsAtOnceAndTheTaskKeepsRunning()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            using var cts = new CancellationTokenSource(TestLoop.Seconds(1), TestLoop.Current.Time);
            Task running = AsyncIO.SleepAsync(TestLoop.Seconds(3));
            Exception? error = await Capture.ExceptionAsync(() => AsyncIO.WaitForAsync(running, TestLoop.Seconds(10), cancellationToken: cts.Token));
            log.AddAt($"OCE {error is OperationCanceledException}");
            await running;
            log.AddAt($"task {running.Status}");
        });

        log.Entries.Should().Equal("OCE True@1", "task RanToCompletion@3");
    }

    // .NET difference: Task.WaitAsync(timeout) abandons the operation at the deadline, which keeps running to its end.
    [Fact]
    public void TaskWaitAsync_Deadline_LeavesTheOperationRunning_UnlikeWaitForAsync()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            async Task OperationAsync(CancellationToken ct)
            {
                await AsyncIO.SleepAsync(TestLoop.Seconds(5), ct);
                log.AddAt("operation finished");
            }

            Task bcl = OperationAsync(CancellationToken.None);
            Exception? bclError = await Capture.ExceptionAsync(() => bcl.WaitAsync(TestLoop.Seconds(2), TestLoop.Current.Time));
            log.AddAt($"WaitAsync: {bclError?.GetType().Name}");
            await bcl;

            Exception? ours = await Capture.ExceptionAsync(() => AsyncIO.WaitForAsync(OperationAsync, TestLoop.Seconds(2)));
            log.AddAt($"WaitForAsync: {ours?.GetType().Name}");
            await AsyncIO.SleepAsync(TestLoop.Seconds(10));
        });

        log.Entries.Should().Equal(
            "WaitAsync: TimeoutException@2",
            "operation finished@5",
            "WaitForAsync: TimeoutException@7");
    }

    // .NET difference: CancelAfter cancels the operation, but the caller sees OperationCanceledException, not a timeout.
    [Fact]
    public void CancelAfter_Deadline_SurfacesAsOperationCanceled_UnlikeWaitForAsync()
    {
        (Exception? bcl, Exception? ours) = TestLoop.RunVirtual(async () =>
        {
            using var cts = new CancellationTokenSource(TestLoop.Seconds(2), TestLoop.Current.Time);
            Exception? bclError = await Capture.ExceptionAsync(() => AsyncIO.SleepAsync(Hour, cts.Token));
            Exception? ourError = await Capture.ExceptionAsync(() => AsyncIO.WaitForAsync(ct => AsyncIO.SleepAsync(Hour, ct), TestLoop.Seconds(2)));
            return (bclError, ourError);
        });

        bcl.Should().BeAssignableTo<OperationCanceledException>();
        ours.Should().BeOfType<TimeoutException>();
    }

    [Fact]
    public void WaitForAsync_CallersTokenAlreadyCancelled_NeverInvokesTheWork()
    {
        bool invoked = false;
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Task<int> waiting = AsyncIO.WaitForAsync(
            ct =>
            {
                invoked = true;
                return Task.FromResult(1);
            },
            TimeSpan.FromSeconds(1),
            cancellationToken: cts.Token);

        waiting.IsCanceled.Should().BeTrue();
        invoked.Should().BeFalse();
    }

    [Fact]
    public void WaitForAsync_NullWorkOrTask_ThrowsArgumentNullException()
    {
        Action generic = () => _ = AsyncIO.WaitForAsync((Func<CancellationToken, Task<int>>)null!, TimeSpan.FromSeconds(1));
        Action plain = () => _ = AsyncIO.WaitForAsync((Func<CancellationToken, Task>)null!, TimeSpan.FromSeconds(1));
        Action genericTask = () => _ = AsyncIO.WaitForAsync((Task<int>)null!, TimeSpan.FromSeconds(1));
        Action plainTask = () => _ = AsyncIO.WaitForAsync((Task)null!, TimeSpan.FromSeconds(1));

        generic.Should().Throw<ArgumentNullException>().WithParameterName("work");
        plain.Should().Throw<ArgumentNullException>().WithParameterName("work");
        genericTask.Should().Throw<ArgumentNullException>().WithParameterName("task");
        plainTask.Should().Throw<ArgumentNullException>().WithParameterName("task");
    }

    // Negative timeouts are asyncio's "already expired", not bad input: no ArgumentOutOfRangeException at the call; the
    // returned task times out without ever running the work (as asyncio.wait_for with timeout <= 0 on a coroutine).
    [Fact]
    public void WaitForAsync_NegativeTimeout_IsAcceptedNotRejected()
    {
        bool invoked = false;

        (Exception? AtTheCall, Exception? Awaited, TimeSpan At) outcome = TestLoop.RunVirtual(async () =>
        {
            Task<int>? task = null;
            Action call = () =>
            {
                task = AsyncIO.WaitForAsync(
                    ct =>
                    {
                        invoked = true;
                        return Task.FromResult(1);
                    },
                    TimeSpan.FromSeconds(-5),
                    cancellationToken: TestContext.Current.CancellationToken);
            };
            Exception? atTheCall = Record.Exception(call);
            Exception? awaited = await Record.ExceptionAsync(() => task!);
            return (atTheCall, awaited, TestLoop.Now);
        });

        outcome.AtTheCall.Should().BeNull();
        outcome.Awaited.Should().BeOfType<TimeoutException>();
        outcome.At.Should().Be(TimeSpan.Zero);
        invoked.Should().BeFalse();
    }

    [Fact]
    public async Task WaitForAsync_OffTheLoop_TimesOutOnTheSystemClock()
    {
        EventLoop.Current.Should().BeNull();
        CancellationToken testToken = TestContext.Current.CancellationToken;
        var cleanedUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Task<int> waiting = AsyncIO.WaitForAsync(
            async ct =>
            {
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, ct);
                    return 1;
                }
                finally
                {
                    cleanedUp.SetResult();
                }
            },
            TimeSpan.FromMilliseconds(50),
            cancellationToken: testToken);

        Exception? error = await Capture.ExceptionAsync(() => waiting.WaitAsync(TimeSpan.FromSeconds(30), TimeProvider.System, testToken));

        error.Should().BeOfType<TimeoutException>().Which.InnerException.Should().BeAssignableTo<OperationCanceledException>();
        cleanedUp.Task.IsCompleted.Should().BeTrue("the cleanup finished before the timeout reached the caller");
    }

    [Fact]
    public async Task WaitForAsync_OffTheLoop_ReturnsAnEarlyResult()
    {
        CancellationToken testToken = TestContext.Current.CancellationToken;

        int result = await AsyncIO.WaitForAsync(ct => Task.FromResult(4), TimeSpan.FromSeconds(30), TimeProvider.System, testToken)
            .WaitAsync(TimeSpan.FromSeconds(30), TimeProvider.System, testToken);

        result.Should().Be(4);
    }
}
