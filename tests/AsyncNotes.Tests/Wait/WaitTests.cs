using System.Diagnostics;
using AsyncNotes.Tests.Infrastructure;

namespace AsyncNotes.Tests.Wait;

public sealed class WaitTests
{
    private static async Task<T> AfterAsync<T>(double seconds, T value, EventLog? log = null, string? name = null)
    {
        await AsyncIO.SleepAsync(TestLoop.Seconds(seconds));
        log?.AddAt($"{name}:end");
        return value;
    }

    private static async Task<int> FailAfterAsync(double seconds, Exception exception)
    {
        await AsyncIO.SleepAsync(TestLoop.Seconds(seconds));
        throw exception;
    }

    // WT-01: ALL_COMPLETED (the default) returns when the slowest finishes, with every task done; a second wait returns at once.
    [Fact]
    public void WaitAsync_AllCompleted_ReturnsWhenTheSlowestFinishes_AndASecondWaitReturnsAtOnce()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            Task<string> a = AfterAsync(1, "a", log, "a");
            Task<string> b = AfterAsync(2, "b", log, "b");

            var (done, pending) = await AsyncIO.WaitAsync([a, b]);
            log.AddAt("wait returned");
            done.Should().Equal(a, b);
            pending.Should().BeEmpty();

            Task<WaitResult<Task<string>>> again = AsyncIO.WaitAsync([b, a]);
            again.IsCompleted.Should().BeTrue("every task has finished already, so no time passes and the loop is not yielded");
            (await again).Done.Should().Equal(b, a);
            log.AddAt("second wait returned");
        });

        log.Entries.Should().Equal("a:end@1", "b:end@2", "wait returned@2", "second wait returned@2");
    }

    // WT-02: FIRST_COMPLETED returns at the quickest; the slower one stays pending, keeps running and is not cancelled.
    [Fact]
    public void WaitAsync_FirstCompleted_ReturnsAtTheQuickest_AndThePendingTaskKeepsRunning()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            Task<string> slow = AfterAsync(5, "slow", log, "slow");
            Task<string> quick = AfterAsync(1, "quick", log, "quick");

            var (done, pending) = await AsyncIO.WaitAsync([slow, quick], ReturnWhen.FirstCompleted);
            log.AddAt("wait returned");
            done.Should().Equal(quick);
            pending.Should().Equal(slow);

            (await slow).Should().Be("slow");
            slow.IsCompletedSuccessfully.Should().BeTrue();
        });

        log.Entries.Should().Equal("quick:end@1", "wait returned@1", "slow:end@5");
    }

    // Several tasks can be done at once: everything finished at the moment of return is in done.
    [Fact]
    public void WaitAsync_FirstCompleted_TwoFinishAtTheSameInstant_BothAreDone()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            Task<int> a = AfterAsync(1, 1);
            Task<int> b = AfterAsync(1, 2);
            Task<int> c = AfterAsync(2, 3);

            var (done, pending) = await AsyncIO.WaitAsync([a, b, c], ReturnWhen.FirstCompleted);
            log.AddAt($"done={done.Count} pending={pending.Count}");
            done.Should().Equal(a, b);
            pending.Should().Equal(c);
            await c;
        });

        log.Entries.Should().Equal("done=2 pending=1@1");
    }

    // The BCL difference: Task.WhenAny gives back one task even when two finished at the same instant.
    [Fact]
    public void TaskWhenAny_TwoFinishAtTheSameInstant_ReturnsOneTask_UnlikeWaitAsync()
    {
        TestLoop.RunVirtual(async () =>
        {
            Task<int> a = AfterAsync(1, 1);
            Task<int> b = AfterAsync(1, 2);

            Task<int> first = await Task.WhenAny(a, b);
            first.Should().BeSameAs(a);
            await b;
        });
    }

    // WT-04: FIRST_EXCEPTION with an input that had already failed returns at once, at t=0, without waiting.
    [Fact]
    public void WaitAsync_FirstException_AlreadyFaultedInput_ReturnsAtOnce()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            Task<int> failed = Task.FromException<int>(new InvalidOperationException("boom"));
            Task<int> running = AfterAsync(5, 5, log, "running");

            Task<WaitResult<Task<int>>> wait = AsyncIO.WaitAsync([running, failed], ReturnWhen.FirstException);
            wait.IsCompleted.Should().BeTrue();
            var (done, pending) = await wait;
            log.AddAt("wait returned");
            done.Should().Equal(failed);
            pending.Should().Equal(running);
            failed.Exception!.InnerException.Should().BeOfType<InvalidOperationException>();
            await running;
        });

        log.Entries.Should().Equal("wait returned@0", "running:end@5");
    }

    // WT-04: FIRST_EXCEPTION returns at the moment of the fault; the still-running task stays pending and keeps running.
    [Fact]
    public void WaitAsync_FirstException_ReturnsWhenATaskFaults_AndThePendingTaskKeepsRunning()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            Task<int> quick = AfterAsync(1, 1, log, "quick");
            Task<int> failing = FailAfterAsync(2, new InvalidOperationException("boom"));
            Task<int> slow = AfterAsync(5, 5, log, "slow");

            var (done, pending) = await AsyncIO.WaitAsync([quick, failing, slow], ReturnWhen.FirstException);
            log.AddAt("wait returned");
            done.Should().Equal(quick, failing);
            pending.Should().Equal(slow);
            failing.Exception!.InnerException.Should().BeOfType<InvalidOperationException>();
            (await slow).Should().Be(5);
        });

        log.Entries.Should().Equal("quick:end@1", "wait returned@2", "slow:end@5");
    }

    // FIRST_EXCEPTION: a cancelled task is not an exception, so the wait goes on until every task is done.
    [Fact]
    public void WaitAsync_FirstException_CancelledTaskIsNotAnException_WaitsForAll()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            using var cts = new CancellationTokenSource(TestLoop.Seconds(1), TestLoop.Current.Time);
            Task cancelled = AsyncIO.SleepAsync(TestLoop.Seconds(10), cts.Token);
            Task slow = AfterAsync(3, 3);

            var (done, pending) = await AsyncIO.WaitAsync([cancelled, slow], ReturnWhen.FirstException);
            log.AddAt("wait returned");
            cancelled.IsCanceled.Should().BeTrue();
            done.Should().Equal(cancelled, slow);
            pending.Should().BeEmpty();
        });

        log.Entries.Should().Equal("wait returned@3");
    }

    // WT-06: the tasks' exceptions are never thrown; a faulted task is in done with its exception still there.
    [Fact]
    public void WaitAsync_FaultedTasks_DoesNotThrow_AndTheExceptionStaysOnTheTask()
    {
        var boom = new InvalidOperationException("boom");

        TestLoop.RunVirtual(async () =>
        {
            Task<int> failing = FailAfterAsync(1, boom);
            Task<int> ok = AfterAsync(2, 2);

            var (done, pending) = await AsyncIO.WaitAsync([failing, ok]);

            done.Should().Equal(failing, ok);
            failing.Exception!.InnerException.Should().BeSameAs(boom);
        });
    }

    // WT-06, the BCL difference: await Task.WhenAll throws the first task's exception.
    [Fact]
    public void TaskWhenAll_FaultedTask_Throws_UnlikeWaitAsync()
    {
        TestLoop.RunVirtual(async () =>
        {
            Task<int> failing = FailAfterAsync(1, new InvalidOperationException("boom"));
            Task<int> ok = AfterAsync(2, 2);

            Func<Task> whenAll = () => Task.WhenAll(failing, ok);
            await whenAll.Should().ThrowAsync<InvalidOperationException>().WithMessage("boom");
            failing.IsFaulted.Should().BeTrue();
            _ = failing.Exception;
        });
    }

    // WT-07: at the timeout the wait returns normally (no TimeoutException) and cancels nothing.
    [Fact]
    public void WaitAsync_Timeout_ReturnsNormallyAtTheDeadline_AndCancelsNothing()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            Task<int> quick = AfterAsync(1, 1, log, "quick");
            Task<int> slow = AfterAsync(5, 5, log, "slow");

            var (done, pending) = await AsyncIO.WaitAsync([quick, slow], timeout: TestLoop.Seconds(3));
            log.AddAt("wait returned");
            done.Should().Equal(quick);
            pending.Should().Equal(slow);

            (await slow).Should().Be(5);
            TestLoop.Current.PendingTimerCount.Should().Be(0);
        });

        log.Entries.Should().Equal("quick:end@1", "wait returned@3", "slow:end@5");
    }

    // WT-07, the BCL difference: Task.WhenAll(...).WaitAsync(timeout) throws TimeoutException at the deadline.
    [Fact]
    public void TaskWhenAllWaitAsync_Timeout_ThrowsTimeoutException_UnlikeWaitAsync()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            Task<int> quick = AfterAsync(1, 1);
            Task<int> slow = AfterAsync(5, 5);

            try
            {
                await Task.WhenAll(quick, slow).WaitAsync(TestLoop.Seconds(3), TestLoop.Current.Time);
            }
            catch (TimeoutException)
            {
                log.AddAt("TimeoutException");
            }

            await slow;
        });

        log.Entries.Should().Equal("TimeoutException@3");
    }

    // WT-07 (test_wait_concurrent_complete): a task finishing exactly at the deadline counts as done; its timer was armed
    // before the wait's.
    [Fact]
    public void WaitAsync_TaskFinishesExactlyAtTheDeadline_TaskTimerArmedFirst_CountsAsDone()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            Task<int> a = AfterAsync(1, 1);
            Task<int> b = AfterAsync(1.5, 2);

            var (done, pending) = await AsyncIO.WaitAsync([b, a], timeout: TestLoop.Seconds(1));
            log.AddAt("wait returned");
            done.Should().Equal(a);
            pending.Should().Equal(b);
            await b;
        });

        log.Entries.Should().Equal("wait returned@1");
    }

    // WT-07 when the wait's timer was armed first (CreateTask starts the task, and so its sleep, a turn later): as in asyncio,
    // the deadline's timer runs first and wakes the waiter, which looks before the task's own step has run, so the task is
    // still pending. (This test once encoded the inline order, in which the task counted as done.)
    [Fact]
    public void WaitAsync_TaskFinishesExactlyAtTheDeadline_WaitTimerArmedFirst_IsStillPendingLikeAsyncio()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            Task<int> a = AsyncIO.CreateTask(ct => AfterAsync(2, 1, log, "a"));

            var (done, pending) = await AsyncIO.WaitAsync([a], timeout: TestLoop.Seconds(2));
            log.AddAt("wait returned");
            done.Should().BeEmpty();
            pending.Should().Equal(a);
            await a;
        });

        log.Entries.Should().Equal("wait returned@2", "a:end@2");
    }

    // Zero or negative timeout: return after one loop turn with the current state, no time passing (as asyncio accepts it).
    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void WaitAsync_ZeroOrNegativeTimeout_ReturnsAfterOneTurnWithTheCurrentState(double seconds)
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            Task<int> running = AfterAsync(1, 1);
            // A is ready before the wait; B, posted by A, is one turn later than A. One turn: A, wait, B; two turns: A, B, wait.
            Task bRan = TurnProbe.PostAThenBAsync(log);

            var (done, pending) = await AsyncIO.WaitAsync([running], timeout: TestLoop.Seconds(seconds));
            log.AddAt("wait returned");
            done.Should().BeEmpty();
            pending.Should().Equal(running);
            await bRan;
            await running;
        });

        log.Entries.Should().Equal("A", "wait returned@0", "B");
    }

    // Timeout.InfiniteTimeSpan means no limit, as null does.
    [Fact]
    public void WaitAsync_InfiniteTimeout_WaitsWithoutLimit()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            Task<int> slow = AfterAsync(100, 1);
            var (done, _) = await AsyncIO.WaitAsync([slow], timeout: Timeout.InfiniteTimeSpan);
            log.AddAt($"done={done.Count}");
        });

        log.Entries.Should().Equal("done=1@100");
    }

    // The caller's token cancels the wait itself (OCE) at the instant of the cancel, not the tasks.
    [Fact]
    public void WaitAsync_CallersTokenCancelled_ThrowsOperationCanceled_AndTheTasksRunOn()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            using var cts = new CancellationTokenSource(TestLoop.Seconds(2), TestLoop.Current.Time);
            Task<int> slow = AfterAsync(5, 5, log, "slow");

            Func<Task> wait = () => AsyncIO.WaitAsync([slow], cancellationToken: cts.Token);
            await wait.Should().ThrowAsync<OperationCanceledException>();
            log.AddAt("wait cancelled");

            (await slow).Should().Be(5);
            TestLoop.Current.PendingTimerCount.Should().Be(0);
        });

        log.Entries.Should().Equal("wait cancelled@2", "slow:end@5");
    }

    // The cancel is delivered on the loop, as a callback of its own, not inline inside Cancel().
    [Fact]
    public void WaitAsync_CancelledOnTheLoop_ThrowsAfterTheCancellerContinues()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            using var cts = new CancellationTokenSource();
            Task<int> slow = AfterAsync(5, 5);

            async Task WaitAndLogAsync()
            {
                try
                {
                    await AsyncIO.WaitAsync([slow], cancellationToken: cts.Token);
                }
                catch (OperationCanceledException)
                {
                    log.AddAt("wait threw");
                }
            }

            Task waiting = WaitAndLogAsync();
            await AsyncIO.SleepAsync(TestLoop.Seconds(1));
            cts.CancelOnLoop();
            log.AddAt("Cancel returned");
            await waiting;
            await slow;
        });

        log.Entries.Should().Equal("Cancel returned@1", "wait threw@1");
    }

    [Fact]
    public void WaitAsync_AlreadyCancelledToken_ReturnsACancelledTask()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        TestLoop.RunVirtual(async () =>
        {
            Task<int> slow = AfterAsync(1, 1);
            AsyncIO.WaitAsync([slow], cancellationToken: cts.Token).IsCanceled.Should().BeTrue();
            await slow;
        });
    }

    // WT-08: bad input throws at the call, before any work.
    [Fact]
    public void WaitAsync_BadInput_ThrowsAtTheCall()
    {
        Task<int> done = Task.FromResult(1);

        Action empty = () => _ = AsyncIO.WaitAsync(Array.Empty<Task>());
        Action nullTasks = () => _ = AsyncIO.WaitAsync((IEnumerable<Task>)null!);
        Action nullElement = () => _ = AsyncIO.WaitAsync<Task>(new Task?[] { done, null }!);
        Action badMode = () => _ = AsyncIO.WaitAsync([done], (ReturnWhen)42);

        empty.Should().Throw<ArgumentException>().WithParameterName("tasks");
        nullTasks.Should().Throw<ArgumentNullException>().WithParameterName("tasks");
        nullElement.Should().Throw<ArgumentException>().WithParameterName("tasks");
        badMode.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("returnWhen");
    }

    // WT-08: any IEnumerable, even a one-shot generator, is enumerated exactly once; duplicates collapse.
    [Fact]
    public void WaitAsync_OneShotEnumerableWithDuplicates_EnumeratedOnce_DuplicatesCollapse()
    {
        int enumerations = 0;

        TestLoop.RunVirtual(async () =>
        {
            Task<int> a = AfterAsync(1, 1);
            Task<int> b = AfterAsync(2, 2);

            IEnumerable<Task<int>> Generator()
            {
                enumerations++;
                yield return a;
                yield return b;
                yield return a;
            }

            var (done, pending) = await AsyncIO.WaitAsync(Generator());
            done.Should().Equal(a, b);
            done.Count.Should().Be(2);
            pending.Should().BeEmpty();
        });

        enumerations.Should().Be(1);
    }

    // Sets enumerate in input order (first occurrence), not in completion order, and compare by reference.
    [Fact]
    public void WaitAsync_Sets_EnumerateInInputOrder()
    {
        TestLoop.RunVirtual(async () =>
        {
            Task<int> c = AfterAsync(3, 3);
            Task<int> a = AfterAsync(1, 1);
            Task<int> b = AfterAsync(2, 2);

            var (done, _) = await AsyncIO.WaitAsync([c, a, b]);

            done.Should().Equal(c, a, b);
            done.Contains(b).Should().BeTrue();
            done.SetEquals([a, b, c]).Should().BeTrue();
        });
    }

    // Generic: Task<int> inputs come back as Task<int>; Task[] gives the non-generic form for mixed result types.
    [Fact]
    public void WaitAsync_TypedTasks_ComeBackTyped_AndMixedTypesWorkAsTaskArray()
    {
        TestLoop.RunVirtual(async () =>
        {
            Task<int> one = AfterAsync(1, 1);
            Task<int> two = AfterAsync(2, 2);
            Task<string> text = AfterAsync(1, "x");

            WaitResult<Task<int>> typed = await AsyncIO.WaitAsync([one, two]);
            int sum = 0;
            foreach (Task<int> task in typed.Done)
            {
                sum += await task;
            }

            sum.Should().Be(3);

            WaitResult<Task> mixed = await AsyncIO.WaitAsync(new Task[] { one, text });
            mixed.Done.Should().HaveCount(2);
            mixed.ToString().Should().Be("done: 2, pending: 0");
        });
    }

    // On the loop, a task that finishes on the thread pool wakes the wait on the loop (the wake-up is posted to it).
    [Fact]
    public void WaitAsync_OnTheLoop_TaskFinishingOnTheThreadPool_WakesTheWaitOnTheLoop()
    {
        TestLoop.RunVirtual(async () =>
        {
            int loopThread = Environment.CurrentManagedThreadId;
            Task<int> pooled = AsyncIO.ToThreadAsync(() => Environment.CurrentManagedThreadId);
            Task<int> slow = AfterAsync(5, 5);

            var (done, pending) = await AsyncIO.WaitAsync([pooled, slow], ReturnWhen.FirstCompleted);

            Environment.CurrentManagedThreadId.Should().Be(loopThread);
            done.Should().Equal(pooled);
            pending.Should().Equal(slow);
            TestLoop.Now.Should().Be(TimeSpan.Zero);
            await slow;
        });
    }

    // Off the loop: thread pool and the system clock; FIRST_COMPLETED returns once the quick one finishes.
    [Fact]
    public async Task WaitAsync_OffTheLoop_FirstCompleted_ReturnsTheFinishedTask()
    {
        EventLoop.Current.Should().BeNull();
        var never = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<int> quick = Task.Run(async () => await release.Task, TestContext.Current.CancellationToken);

        Task<WaitResult<Task<int>>> wait = AsyncIO.WaitAsync([never.Task, quick], ReturnWhen.FirstCompleted, cancellationToken: TestContext.Current.CancellationToken);
        wait.IsCompleted.Should().BeFalse();
        release.SetResult(7);

        var (done, pending) = await wait.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        done.Should().Equal(quick);
        pending.Should().Equal(never.Task);
        never.SetResult(0);
    }

    // Off the loop, with real time: the timeout returns normally at the deadline (generous tolerance).
    [Fact]
    public async Task WaitAsync_OffTheLoop_Timeout_ReturnsNormallyWithThePendingTask()
    {
        var never = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stopwatch = Stopwatch.StartNew();

        var (done, pending) = await AsyncIO.WaitAsync([never.Task], timeout: TimeSpan.FromMilliseconds(200), timeProvider: TimeProvider.System, cancellationToken: TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        stopwatch.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(150));
        done.Should().BeEmpty();
        pending.Should().Equal(never.Task);
        never.Task.IsCompleted.Should().BeFalse();
        never.SetResult();
    }
}
