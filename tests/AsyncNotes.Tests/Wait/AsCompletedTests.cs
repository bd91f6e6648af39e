using AsyncNotes.Tests.Infrastructure;

namespace AsyncNotes.Tests.Wait;

public sealed class AsCompletedTests
{
    private static async Task<T> AfterAsync<T>(double seconds, T value)
    {
        await AsyncIO.SleepAsync(TestLoop.Seconds(seconds));
        return value;
    }

    // AC-01: yields in finishing order; the whole enumeration takes as long as the slowest task.
    [Fact]
    public void AsCompleted_YieldsInCompletionOrder_AtTheInstantsTheyFinish()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            Task<string>[] tasks = [AfterAsync(3, "c"), AfterAsync(1, "a"), AfterAsync(2, "b")];

            await foreach (Task<string> task in AsyncIO.AsCompleted(tasks))
            {
                log.AddAt(await task);
            }

            log.AddAt("end");
        });

        log.Entries.Should().Equal("a@1", "b@2", "c@3", "end@3");
    }

    // AC-03: the yielded tasks are the very instances passed in.
    [Fact]
    public void AsCompleted_YieldsTheSameTaskInstances()
    {
        TestLoop.RunVirtual(async () =>
        {
            Task<int> slow = AfterAsync(2, 2);
            Task<int> quick = AfterAsync(1, 1);
            var yielded = new List<Task<int>>();

            await foreach (Task<int> task in AsyncIO.AsCompleted([slow, quick]))
            {
                yielded.Add(task);
            }

            yielded.Should().HaveCount(2);
            yielded[0].Should().BeSameAs(quick);
            yielded[1].Should().BeSameAs(slow);
        });
    }

    // Tasks finishing at the same instant come in the order they finished; already-finished inputs come first, in input order.
    [Fact]
    public void AsCompleted_SameInstantInFinishingOrder_AlreadyFinishedFirstInInputOrder()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            Task<string> second = AsyncIO.CreateTask(ct => AfterAsync(1, "second"));
            Task<string> first = AfterAsync(1, "first");
            Task<string> doneB = Task.FromResult("doneB");
            Task<string> doneA = Task.FromResult("doneA");

            await foreach (Task<string> task in AsyncIO.AsCompleted([second, doneB, first, doneA]))
            {
                log.AddAt(await task);
            }
        });

        log.Entries.Should().Equal("doneB@0", "doneA@0", "first@1", "second@1");
    }

    // The enumeration never throws a task's exception: the yielded task carries it.
    [Fact]
    public void AsCompleted_FaultedTask_IsYielded_NotThrownByTheEnumeration()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            async Task<int> FailAsync()
            {
                await AsyncIO.SleepAsync(TestLoop.Seconds(1));
                throw new InvalidOperationException("boom");
            }

            await foreach (Task<int> task in AsyncIO.AsCompleted([FailAsync(), AfterAsync(2, 2)]))
            {
                try
                {
                    log.AddAt($"result {await task}");
                }
                catch (InvalidOperationException ex)
                {
                    log.AddAt(ex.Message);
                }
            }
        });

        log.Entries.Should().Equal("boom@1", "result 2@2");
    }

    // AC-02: with a timeout, the tasks finished before the deadline are yielded, then MoveNextAsync throws TimeoutException
    // at the deadline; the unfinished task is not cancelled and no timer of ours is left behind.
    [Fact]
    public void AsCompleted_Timeout_YieldsTheFinishedThenThrowsTimeoutAtTheDeadline_AndCancelsNothing()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            Task<string> quick = AfterAsync(1, "quick");
            Task<string> slow = AfterAsync(5, "slow");

            try
            {
                await foreach (Task<string> task in AsyncIO.AsCompleted([slow, quick], timeout: TestLoop.Seconds(3)))
                {
                    log.AddAt(await task);
                }
            }
            catch (TimeoutException)
            {
                log.AddAt("TimeoutException");
            }

            TestLoop.Current.PendingTimerCount.Should().Be(1, "only the slow task's own sleep is still armed");
            log.AddAt(await slow);
        });

        log.Entries.Should().Equal("quick@1", "TimeoutException@3", "slow@5");
    }

    // AC-02: the deadline counts from the call, as asyncio arms its timer in as_completed itself.
    [Fact]
    public void AsCompleted_Timeout_CountsFromTheCall_NotFromTheFirstMoveNext()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            Task<string> slow = AfterAsync(5, "slow");
            IAsyncEnumerable<Task<string>> completions = AsyncIO.AsCompleted([slow], timeout: TestLoop.Seconds(3));
            await AsyncIO.SleepAsync(TestLoop.Seconds(2));

            try
            {
                await foreach (Task<string> task in completions)
                {
                    log.AddAt(await task);
                }
            }
            catch (TimeoutException)
            {
                log.AddAt("TimeoutException");
            }

            await slow;
        });

        log.Entries.Should().Equal("TimeoutException@3");
    }

    // AC-02: a task finishing exactly at the deadline still counts as finished before it.
    [Fact]
    public void AsCompleted_TaskFinishesExactlyAtTheDeadline_TimesOutFirstLikeAsyncio()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            Task<string> atDeadline = AsyncIO.CreateTask(ct => AfterAsync(2, "at deadline"));
            Task<string> slow = AfterAsync(5, "slow");

            try
            {
                await foreach (Task<string> task in AsyncIO.AsCompleted([atDeadline, slow], timeout: TestLoop.Seconds(2)))
                {
                    log.AddAt(await task);
                }
            }
            catch (TimeoutException)
            {
                log.AddAt("TimeoutException");
            }

            await slow;
        });

        // asyncio's timeout handler runs first: the task's done-callback comes one callback after its completion, behind the
        // deadline, so a task that finishes exactly at the deadline is not yielded. (This test once encoded the opposite.)
        log.Entries.Should().Equal("TimeoutException@2");
    }

    // AC-02 with a zero timeout: the tasks already finished are yielded, then the timeout is thrown at once.
    [Fact]
    public void AsCompleted_ZeroTimeout_YieldsTheFinishedThenThrowsAtOnce()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            Task<string> done = Task.FromResult("done");
            Task<string> running = AfterAsync(1, "running");

            try
            {
                await foreach (Task<string> task in AsyncIO.AsCompleted([running, done], TimeSpan.Zero))
                {
                    log.AddAt(await task);
                }
            }
            catch (TimeoutException)
            {
                log.AddAt("TimeoutException");
            }

            log.AddAt(await running);
        });

        log.Entries.Should().Equal("done@0", "TimeoutException@0", "running@1");
    }

    // AC-02: a timeout that never fires leaves no timer behind, and neither does an enumeration abandoned early.
    [Fact]
    public void AsCompleted_UnusedTimeoutOrEarlyBreak_LeavesNoTimerBehind()
    {
        TestLoop.RunVirtual(async () =>
        {
            Task<int> quick = AfterAsync(1, 1);
            await foreach (Task<int> task in AsyncIO.AsCompleted([quick], timeout: TestLoop.Seconds(10)))
            {
                await task;
            }

            TestLoop.Current.PendingTimerCount.Should().Be(0);

            Task<int> first = AfterAsync(1, 1);
            Task<int> second = AfterAsync(2, 2);
            await foreach (Task<int> task in AsyncIO.AsCompleted([first, second], timeout: TestLoop.Seconds(10)))
            {
                break;
            }

            TestLoop.Current.PendingTimerCount.Should().Be(1, "only the second task's own sleep is still armed");
            await second;
            TestLoop.Now.Should().Be(TestLoop.Seconds(3));
        });
    }

    // AC-02, the BCL difference: Task.WhenEach has no timeout; a token-based one surfaces as OperationCanceledException.
    // No real-time deadlines: the BCL side's token is cancelled once the first item is out, and our side's deadline is on a
    // manual clock moved past it once the first item is out, so load on the machine cannot reorder anything.
    [Fact]
    public async Task TaskWhenEach_HasNoTimeout_ATokenTimeoutSurfacesAsCancellation_UnlikeAsCompleted()
    {
        var never = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<int> quick = Task.FromResult(1);
        var bcl = new List<string>();
        var ours = new List<string>();
        var time = new ManualTimeProvider();

        using (var cts = new CancellationTokenSource())
        {
            try
            {
                await foreach (Task<int> task in Task.WhenEach(quick, never.Task).WithCancellation(cts.Token))
                {
                    bcl.Add($"yielded {await task}");
                    await cts.CancelAsync();
                }
            }
            catch (OperationCanceledException)
            {
                bcl.Add("OperationCanceledException");
            }
        }

        try
        {
            await foreach (Task<int> task in AsyncIO.AsCompleted([quick, never.Task], TimeSpan.FromMilliseconds(200), time, TestContext.Current.CancellationToken))
            {
                ours.Add($"yielded {await task}");
                time.Advance(TimeSpan.FromMilliseconds(200));
            }
        }
        catch (TimeoutException)
        {
            ours.Add("TimeoutException");
        }

        bcl.Should().Equal("yielded 1", "OperationCanceledException");
        ours.Should().Equal("yielded 1", "TimeoutException");
        never.Task.IsCompleted.Should().BeFalse();
        never.SetResult(0);
    }

    // AC-01 compared: Task.WhenEach also yields in completion order (off the loop: it completes through the thread pool).
    [Fact]
    public async Task TaskWhenEach_YieldsInCompletionOrder_LikeAsCompleted()
    {
        var first = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var second = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var bcl = new List<string>();
        var ours = new List<string>();

        async Task ConsumeAsync(IAsyncEnumerable<Task<string>> source, List<string> into, TaskCompletionSource next)
        {
            await foreach (Task<string> task in source)
            {
                into.Add(await task);
                next.TrySetResult();
            }
        }

        var gotOneBcl = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gotOneOurs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task bclDone = ConsumeAsync(Task.WhenEach(second.Task, first.Task), bcl, gotOneBcl);
        Task oursDone = ConsumeAsync(AsyncIO.AsCompleted([second.Task, first.Task], cancellationToken: TestContext.Current.CancellationToken), ours, gotOneOurs);

        first.SetResult("first");
        await Task.WhenAll(gotOneBcl.Task, gotOneOurs.Task).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        second.SetResult("second");
        await Task.WhenAll(bclDone, oursDone).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        bcl.Should().Equal("first", "second");
        ours.Should().Equal("first", "second");
    }

    // AC-06: the yielded items are Tasks: they may be awaited concurrently and more than once.
    [Fact]
    public void AsCompleted_YieldedTasks_CanBeAwaitedConcurrentlyAndTwice()
    {
        TestLoop.RunVirtual(async () =>
        {
            var yielded = new List<Task<int>>();
            await foreach (Task<int> task in AsyncIO.AsCompleted([AfterAsync(2, 2), AfterAsync(1, 1), AfterAsync(3, 3)]))
            {
                yielded.Add(task);
            }

            int[] together = await Task.WhenAll(yielded);
            together.Should().Equal(1, 2, 3);
            (await yielded[0] + await yielded[0]).Should().Be(2);
        });
    }

    // AC-07: duplicates collapse: a task passed twice is yielded once.
    [Fact]
    public void AsCompleted_DuplicateTask_IsYieldedOnce()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            Task<string> a = AfterAsync(1, "a");
            Task<string> b = AfterAsync(2, "b");

            await foreach (Task<string> task in AsyncIO.AsCompleted([a, b, a]))
            {
                log.AddAt(await task);
            }
        });

        log.Entries.Should().Equal("a@1", "b@2");
    }

    // AC-07 and WT-08: bad input throws at the call, not at the first MoveNextAsync; the input is enumerated once.
    [Fact]
    public void AsCompleted_BadInput_ThrowsAtTheCall()
    {
        Action nullTasks = () => _ = AsyncIO.AsCompleted((IEnumerable<Task>)null!);
        Action nullElement = () => _ = AsyncIO.AsCompleted<Task>(new Task?[] { Task.CompletedTask, null }!);

        nullTasks.Should().Throw<ArgumentNullException>().WithParameterName("tasks");
        nullElement.Should().Throw<ArgumentException>().WithParameterName("tasks");
    }

    // asyncio's as_completed([]) and Task.WhenEach([]) yield nothing; only asyncio.wait refuses an empty set.
    [Fact]
    public void AsCompleted_EmptyCollection_YieldsNothingEvenWithATimeout()
    {
        var yielded = new List<Task<int>>();

        TimeSpan end = TestLoop.RunVirtual(async () =>
        {
            await foreach (Task<int> task in AsyncIO.AsCompleted(Array.Empty<Task<int>>(), timeout: TestLoop.Seconds(1)))
            {
                yielded.Add(task);
            }

            return TestLoop.Now;
        });

        yielded.Should().BeEmpty();
        end.Should().Be(TimeSpan.Zero, "nothing to wait for, and no timeout to wait out");
    }

    [Fact]
    public void AsCompleted_OneShotEnumerable_IsEnumeratedOnceAtTheCall()
    {
        int enumerations = 0;

        IEnumerable<Task> Generator()
        {
            enumerations++;
            yield return Task.CompletedTask;
        }

        TestLoop.RunVirtual(async () =>
        {
            IAsyncEnumerable<Task> completions = AsyncIO.AsCompleted(Generator());
            enumerations.Should().Be(1);
            int count = 0;
            await foreach (Task task in completions)
            {
                count++;
            }

            count.Should().Be(1);
        });

        enumerations.Should().Be(1);
    }

    // The token (given to the call or through WithCancellation) ends the enumeration with OCE at the cancel; tasks run on.
    [Fact]
    public void AsCompleted_Cancelled_ThrowsOperationCanceledAtTheCancel_AndTheTasksRunOn()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            Task<string> quick = AfterAsync(1, "quick");
            Task<string> slow = AfterAsync(5, "slow");
            using var cts = new CancellationTokenSource(TestLoop.Seconds(2), TestLoop.Current.Time);

            try
            {
                await foreach (Task<string> task in AsyncIO.AsCompleted([quick, slow]).WithCancellation(cts.Token))
                {
                    log.AddAt(await task);
                }
            }
            catch (OperationCanceledException)
            {
                log.AddAt("cancelled");
            }

            log.AddAt(await slow);
        });

        log.Entries.Should().Equal("quick@1", "cancelled@2", "slow@5");
    }

    // The token given to the call itself (not through WithCancellation) ends the enumeration with OCE at the cancel;
    // the tasks run on, and the timeout's timer is released at once.
    [Fact]
    public void AsCompleted_CancelledThroughItsTokenParameter_ThrowsAtTheCancel_AndLeavesNoTimer()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            Task<string> quick = AfterAsync(1, "quick");
            Task<string> slow = AfterAsync(5, "slow");
            using var cts = new CancellationTokenSource();
            Task canceller = AsyncIO.CreateTask(async ct =>
            {
                await AsyncIO.SleepAsync(TestLoop.Seconds(2), ct);
                cts.CancelOnLoop();
            });
            int timersWhileEnumerating = -1;

            try
            {
                await foreach (Task<string> task in AsyncIO.AsCompleted([quick, slow], timeout: TestLoop.Seconds(60), cancellationToken: cts.Token))
                {
                    log.AddAt(await task);
                    timersWhileEnumerating = TestLoop.Current.PendingTimerCount;
                }
            }
            catch (OperationCanceledException ex) when (ex.CancellationToken == cts.Token)
            {
                log.AddAt("cancelled");
            }

            timersWhileEnumerating.Should().Be(3, "the slow task's sleep, the canceller's sleep and the 60 s deadline");
            TestLoop.Current.PendingTimerCount.Should().Be(1, "only the slow task's own sleep is still armed");
            slow.IsCompleted.Should().BeFalse("the tasks are not cancelled");
            await canceller;
            log.AddAt(await slow);
        });

        log.Entries.Should().Equal("quick@1", "cancelled@2", "slow@5");
    }

    // Off the loop: the thread pool, synchronised on events.
    [Fact]
    public async Task AsCompleted_OffTheLoop_YieldsInCompletionOrder()
    {
        EventLoop.Current.Should().BeNull();
        var a = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var b = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var order = new List<string>();

        await using IAsyncEnumerator<Task<string>> e = AsyncIO.AsCompleted([a.Task, b.Task], cancellationToken: TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        Task<bool> next = e.MoveNextAsync().AsTask();
        b.SetResult("b");
        (await next.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken)).Should().BeTrue();
        order.Add(await e.Current);
        next = e.MoveNextAsync().AsTask();
        a.SetResult("a");
        (await next.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken)).Should().BeTrue();
        order.Add(await e.Current);
        (await e.MoveNextAsync()).Should().BeFalse();

        order.Should().Equal("b", "a");
    }
}
