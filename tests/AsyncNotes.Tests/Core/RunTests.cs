using AsyncNotes.Tests.Infrastructure;

namespace AsyncNotes.Tests.Core;

public sealed class RunTests
{
    // RN-01: Run returns main's value.
    [Fact]
    public void Run_MainReturnsValue_ReturnsIt()
    {
        int result = AsyncIO.Run(async () =>
        {
            await AsyncIO.SleepAsync(TimeSpan.Zero);
            return 42;
        });

        result.Should().Be(42);
    }

    // RN-01: Run rethrows main's original exception, not an AggregateException.
    [Fact]
    public void Run_MainThrows_TheOriginalExceptionSurfacesUnwrapped()
    {
        var failure = new InvalidOperationException("boom");

        Action act = () => AsyncIO.Run(async () =>
        {
            await AsyncIO.SleepAsync(TimeSpan.Zero);
            throw failure;
        });

        act.Should().Throw<InvalidOperationException>().Which.Should().BeSameAs(failure);
    }

    [Fact]
    public void Run_MainThrowsBeforeItsFirstAwait_TheExceptionSurfacesFromRun()
    {
        var failure = new FormatException("synchronous");

        Action act = () => AsyncIO.Run(() => throw failure);

        act.Should().Throw<FormatException>().Which.Should().BeSameAs(failure);
    }

    [Fact]
    public void Run_MainIsCancelled_ThrowsOperationCanceledException()
    {
        using var cts = new CancellationTokenSource();

        Action act = () => TestLoop.RunVirtual(async () =>
        {
            cts.CancelOnLoop();
            await AsyncIO.SleepAsync(TestLoop.Seconds(1), cts.Token);
        });

        act.Should().Throw<OperationCanceledException>().Which.CancellationToken.Should().Be(cts.Token);
    }

    // RN-03: a nested Run throws InvalidOperationException instead of deadlocking the loop's only thread.
    [Fact]
    public void Run_CalledFromCodeOnALoop_ThrowsInvalidOperationExceptionThatExplainsTheMistake()
    {
        Exception? nested = null;

        AsyncIO.Run(async () =>
        {
            await AsyncIO.SleepAsync(TimeSpan.Zero);
            nested = Record.Exception(() => AsyncIO.Run(() => Task.CompletedTask));
        });

        nested.Should().BeOfType<InvalidOperationException>()
            .Which.Message.Should().Contain("already running on an event loop").And.Contain("Await");
    }

    // RN-02: static typing rejects non-awaitables; what is left to check is null.
    [Fact]
    public void Run_NullMain_ThrowsArgumentNullExceptionBeforeAnyWork()
    {
        FluentActions.Invoking(() => AsyncIO.Run((Func<Task>)null!)).Should().Throw<ArgumentNullException>().WithParameterName("main");
        FluentActions.Invoking(() => AsyncIO.Run((Func<Task<int>>)null!)).Should().Throw<ArgumentNullException>().WithParameterName("main");
    }

    [Fact]
    public void Run_MainRunsOnTheCallingThreadWithTheLoopAsCurrent()
    {
        int caller = Environment.CurrentManagedThreadId;
        SynchronizationContext? before = SynchronizationContext.Current;

        (int Thread, bool IsLoopContext, bool HasLoop) seen = AsyncIO.Run(async () =>
        {
            await AsyncIO.SleepAsync(TimeSpan.Zero);
            return (Environment.CurrentManagedThreadId, SynchronizationContext.Current?.GetType().Name == "EventLoopSynchronizationContext", EventLoop.Current is not null);
        });

        seen.Should().Be((caller, true, true));
        EventLoop.Current.Should().BeNull("the loop is gone once Run returns");
        SynchronizationContext.Current.Should().BeSameAs(before, "Run restores the caller's context");
    }

    // Rule: main starts at the loop's first turn, as asyncio.run's main task (Task-1). Observable: main is already a task
    // the loop knows of (registered before it was started) when its first line runs, so a task it creates there is the
    // loop's second (Task-2). Had Run invoked main inline, that task would be registered first and named Task-1.
    [Fact]
    public void Run_MainStartsAtTheLoopsFirstTurn_NotInsideTheCall()
    {
        Action act = () => TestLoop.RunVirtual(() =>
        {
            var never = new TaskCompletionSource();
            Task child = AsyncIO.CreateTask(_ => never.Task);
            return child;
        });

        act.Should().Throw<EventLoopDeadlockException>().Which.WaitingTasks.Should().Equal("main", "Task-2");
    }

    [Fact]
    public void Run_DefaultOptions_UseRealTimeLikeAsyncioRun()
    {
        bool isVirtual = AsyncIO.Run(() => Task.FromResult(EventLoop.Current!.IsVirtualTime));

        isVirtual.Should().BeFalse();
    }

    [Fact]
    public void Run_TasksStillPendingWhenMainEnds_AreCancelledAndAwaitedBeforeRunReturns()
    {
        var log = new EventLog();
        Task? worker = null;

        TestLoop.RunVirtual(async () =>
        {
            worker = AsyncIO.CreateTask(
                async ct =>
                {
                    try
                    {
                        await AsyncIO.SleepAsync(TimeSpan.FromHours(1), ct);
                        log.AddAt("worker finished");
                    }
                    finally
                    {
                        log.AddAt("worker cleanup");
                    }
                },
                name: "worker");
            await AsyncIO.SleepAsync(TestLoop.Seconds(1));
            log.AddAt("main done");
        });

        log.Entries.Should().Equal("main done@1", "worker cleanup@1");
        worker!.IsCanceled.Should().BeTrue();
    }

    [Fact]
    public void Run_TaskFailsWhileBeingCancelledAtShutdown_WithoutHandler_ExceptionIsThrown()
    {
        var failure = new InvalidOperationException("cleanup failed");

        Action act = () => TestLoop.RunVirtual(async () =>
        {
            _ = AsyncIO.CreateTask(async ct =>
            {
                try
                {
                    await AsyncIO.SleepAsync(TimeSpan.FromHours(1), ct);
                }
                catch (OperationCanceledException)
                {
                    throw failure;
                }
            });
            await AsyncIO.SleepAsync(TestLoop.Seconds(1));
        });

        act.Should().Throw<InvalidOperationException>().Which.Should().BeSameAs(failure);
    }

    [Fact]
    public void Run_TaskFailsWhileBeingCancelledAtShutdown_WithHandler_IsReportedWithTheTaskName()
    {
        var reported = new List<EventLoopExceptionContext>();
        var failure = new InvalidOperationException("cleanup failed");
        var options = EventLoopOptions.Virtual with { ExceptionHandler = reported.Add };

        int result = AsyncIO.Run(
            async () =>
            {
                _ = AsyncIO.CreateTask(
                    async ct =>
                    {
                        try
                        {
                            await AsyncIO.SleepAsync(TimeSpan.FromHours(1), ct);
                        }
                        catch (OperationCanceledException)
                        {
                            throw failure;
                        }
                    },
                    name: "leaky");
                await AsyncIO.SleepAsync(TestLoop.Seconds(1));
                return 7;
            },
            options);

        result.Should().Be(7);
        reported.Should().ContainSingle().Which.Should().Match<EventLoopExceptionContext>(c => c.Exception == failure && c.TaskName == "leaky");
    }

#pragma warning disable VSTHRD100, VSTHRD101 // The point of these tests is an async void method's exception.
    [Fact]
    public void Run_AsyncVoidThrowsWithoutHandler_RunRethrowsIt()
    {
        var failure = new InvalidDataException("from async void");

        Action act = () => TestLoop.RunVirtual(async () =>
        {
            async void FireAndCrash()
            {
                await AsyncIO.SleepAsync(TimeSpan.Zero);
                throw failure;
            }

            FireAndCrash();
            await AsyncIO.SleepAsync(TimeSpan.FromHours(1));
        });

        act.Should().Throw<InvalidDataException>().Which.Should().BeSameAs(failure);
    }

    [Fact]
    public void Run_AsyncVoidThrowsWithHandler_HandlerGetsItAndTheLoopGoesOn()
    {
        var reported = new List<Exception>();
        var failure = new InvalidDataException("from async void");
        var options = EventLoopOptions.Virtual with { ExceptionHandler = c => reported.Add(c.Exception) };

        TimeSpan end = AsyncIO.Run(
            async () =>
            {
                async void FireAndCrash()
                {
                    await AsyncIO.SleepAsync(TimeSpan.Zero);
                    throw failure;
                }

                FireAndCrash();
                await AsyncIO.SleepAsync(TestLoop.Seconds(2));
                return TestLoop.Now;
            },
            options);

        end.Should().Be(TestLoop.Seconds(2));
        reported.Should().Equal(failure);
    }
#pragma warning restore VSTHRD100, VSTHRD101

    // asyncio.run stops through a done-callback of main, one callback after main ends: a callback main queued in its last
    // step still runs; one queued after the stop was decided is discarded by loop.close(). (This test once expected the
    // first to be discarded too, when the run stopped inside main's last step.)
    [Fact]
    public void Run_CallbacksQueuedAfterTheStop_AreDiscardedLikeAsyncioLoopClose()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            await AsyncIO.SleepAsync(TimeSpan.Zero);
            SynchronizationContext context = SynchronizationContext.Current!;
            context.Post(
                _ =>
                {
                    log.Add("queued in main's last step");
                    context.Post(_ => log.Add("queued after the stop"), null);
                },
                null);
            log.Add("main done");
        });

        log.Entries.Should().Equal("main done", "queued in main's last step");
    }

    // Rule: after the run, posts are discarded (asyncio's closed loop), neither run inline nor sent to the thread pool.
    [Fact]
    public async Task Run_WorkThatPostsBackAfterTheRunEnded_PostsNothingAndThrowsNothing()
    {
        CancellationToken testToken = TestContext.Current.CancellationToken;
        var log = new EventLog();
        using var release = new ManualResetEventSlim();
        using var ran = new ManualResetEventSlim();
        Task? worker = null;
        SynchronizationContext? loopContext = null;

#pragma warning disable AN0002 // the run under test is synchronous on purpose: the test awaits, afterwards, the work it left running
        AsyncIO.Run(async () =>
        {
            loopContext = SynchronizationContext.Current;
            worker = Task.Run(
                () =>
                {
                    release.Wait(testToken);
                    loopContext!.Post(
                        _ =>
                        {
                            log.Add("ran after close");
                            ran.Set();
                        },
                        null);
                    log.Add("posted");
                },
                testToken);
            await AsyncIO.SleepAsync(TimeSpan.Zero);
        });
#pragma warning restore AN0002

        release.Set();
        await worker!.WaitAsync(TimeSpan.FromSeconds(30), testToken);

        // A thread-pool fallback would run the callback within moments; half a second is far more than it needs.
        ran.Wait(TimeSpan.FromMilliseconds(500), testToken).Should().BeFalse("a closed loop runs nothing, anywhere");
        log.Entries.Should().Equal("posted");
        ((EventLoopSynchronizationContext)loopContext!).Loop.TryPost(_ => log.Add("late"), null).Should().BeFalse("the closed loop drops the post");
        log.Entries.Should().Equal("posted");
    }

    // RN-05: asyncio.Runner shares one context across runs; AsyncNotes has no Runner. What exists: each AsyncIO.Run is a
    // fresh asyncio.run, and an AsyncLocal set inside one run is not seen by the next (asyncio.run also copies a new
    // context per call). A value set by the caller flows into each run.
    [Fact]
    public void Run_AsyncLocalSetInsideOneRun_IsNotSeenByTheNextRun()
    {
        var local = new AsyncLocal<string?>();
        local.Value = "caller";

        string? seenInFirst = AsyncIO.Run(async () =>
        {
            string? before = local.Value;
            local.Value = "set by the first run";
            await AsyncIO.SleepAsync(TimeSpan.Zero);
            return before;
        });
        string? seenInSecond = AsyncIO.Run(async () =>
        {
            await AsyncIO.SleepAsync(TimeSpan.Zero);
            return local.Value;
        });

        seenInFirst.Should().Be("caller");
        seenInSecond.Should().Be("caller", "the first run's change stayed inside it");
        local.Value.Should().Be("caller");
    }
}
