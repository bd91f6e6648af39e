using AsyncNotes.Tests.Infrastructure;

namespace AsyncNotes.Tests.Tasks;

public sealed class CreateTaskTests
{
    // RN-07: by default a new asyncio task has not run at all when create_task returns.
    [Fact]
    public void CreateTask_OnTheLoop_StartsOnlyAfterTheCreatorYields()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            Task task = AsyncIO.CreateTask(ct =>
            {
                log.Add("task body runs");
                return Task.CompletedTask;
            });
            log.Add("CreateTask returned");
            await AsyncIO.SleepAsync(TimeSpan.Zero);
            log.Add("creator resumed");
            await task;
        });

        log.Entries.Should().Equal("CreateTask returned", "task body runs", "creator resumed");
    }

    // The .NET difference this API exists for: calling an async method runs it synchronously up to its first await.
    [Fact]
    public void CallingAnAsyncMethod_RunsItBodyBeforeTheCallReturns_UnlikeCreateTask()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            async Task HotAsync()
            {
                log.Add("hot body runs");
                await AsyncIO.SleepAsync(TimeSpan.Zero);
            }

            Task hot = HotAsync();
            log.Add("call returned");
            await hot;
        });

        log.Entries.Should().Equal("hot body runs", "call returned");
    }

    [Fact]
    public void CreateTask_SeveralTasks_StartInCreationOrder()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            Task[] tasks = [.. Enumerable.Range(1, 4).Select(i => AsyncIO.CreateTask(ct =>
            {
                log.Add($"task {i}");
                return Task.CompletedTask;
            }))];
            await Task.WhenAll(tasks);
        });

        log.Entries.Should().Equal("task 1", "task 2", "task 3", "task 4");
    }

    [Fact]
    public void CreateTask_ReturnsTheWorksResult()
    {
        int result = TestLoop.RunVirtual(() => AsyncIO.CreateTask(async ct => await AsyncIO.SleepAsync(TimeSpan.FromSeconds(1), 6, ct) * 7));

        result.Should().Be(42);
    }

    [Fact]
    public void CreateTask_TokenCancelledBeforeItStarts_NeverRunsTheWorkAndEndsCancelled()
    {
        bool ran = false;
        using var cts = new CancellationTokenSource();

        Task? task = null;
        TestLoop.RunVirtual(async () =>
        {
            task = AsyncIO.CreateTask(
                ct =>
                {
                    ran = true;
                    return Task.CompletedTask;
                },
                cancellationToken: cts.Token);
            cts.CancelOnLoop();
            Func<Task> awaitIt = () => task;
            await awaitIt.Should().ThrowAsync<OperationCanceledException>();
        });

        ran.Should().BeFalse();
        task!.IsCanceled.Should().BeTrue();
    }

    // RN-11: the task's token is passed into the AsyncNotes operation it awaits (here SleepAsync); that operation ends
    // Canceled, its OperationCanceledException propagates through the task's code, and the task ends Canceled.
    [Fact]
    public void CreateTask_CallersTokenCancelledWhileRunning_CancelsTheTasksToken()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2), TestLoop.Current.Time);
            Task task = AsyncIO.CreateTask(
                async ct =>
                {
                    Task sleep = AsyncIO.SleepAsync(TimeSpan.FromHours(1), ct);
                    try
                    {
                        await sleep;
                    }
                    catch (OperationCanceledException ex)
                    {
                        log.AddAt($"sleep canceled={sleep.IsCanceled} with the task's token={ex.CancellationToken == ct}");
                        throw;
                    }

                    log.AddAt("not reached");
                },
                cancellationToken: cts.Token);
            try
            {
                await task;
            }
            catch (OperationCanceledException)
            {
                log.AddAt($"cancelled={task.IsCanceled}");
            }
        });

        log.Entries.Should().Equal("sleep canceled=True with the task's token=True@2", "cancelled=True@2");
    }

    // RN-10: a task that catches the cancellation and returns a value is not cancelled: it ends RanToCompletion.
    [Fact]
    public void CreateTask_CatchesTheCancellationAndReturnsAValue_EndsRanToCompletion()
    {
        (TaskStatus Status, string Result, TimeSpan At) outcome = TestLoop.RunVirtual(async () =>
        {
            using var cts = new CancellationTokenSource(TestLoop.Seconds(1), TestLoop.Current.Time);
            Task<string> task = AsyncIO.CreateTask(
                async ct =>
                {
                    try
                    {
                        await AsyncIO.SleepAsync(TimeSpan.FromHours(1), ct);
                        return "slept";
                    }
                    catch (OperationCanceledException)
                    {
                        return "caught";
                    }
                },
                cancellationToken: cts.Token);
            string result = await task;
            return (task.Status, result, TestLoop.Now);
        });

        outcome.Should().Be((TaskStatus.RanToCompletion, "caught", TestLoop.Seconds(1)));
    }

    // RN-10, the .NET difference by design (cooperative cancellation): a task whose token is cancelled while it runs but
    // which returns without checking the token ends RanToCompletion. In asyncio (test_cancel_at_end) it would end cancelled.
    [Fact]
    public void CreateTask_TokenCancelledWhileRunningButNeverChecked_EndsRanToCompletion_UnlikeAsyncio()
    {
        (TaskStatus Status, int Result, bool SawTheRequest) outcome = TestLoop.RunVirtual(async () =>
        {
            using var cts = new CancellationTokenSource();
            bool sawTheRequest = false;
            Task<int> task = AsyncIO.CreateTask(
                async ct =>
                {
                    await AsyncIO.SleepAsync(TestLoop.Seconds(1), CancellationToken.None); // not the token: nothing observes the cancel
                    cts.CancelOnLoop(); // the task cancels itself, as asyncio's test_cancel_at_end does
                    sawTheRequest = ct.IsCancellationRequested;
                    return 7;
                },
                cancellationToken: cts.Token);
            int result = await task;
            return (task.Status, result, sawTheRequest);
        });

        outcome.Should().Be((TaskStatus.RanToCompletion, 7, true));
    }

    // Off a loop, CreateTask's work runs on the thread pool.
    [Fact]
    public async Task CreateTask_OffTheLoop_RunsOnTheThreadPool()
    {
        EventLoop.Current.Should().BeNull();

        (bool OnPool, bool OnLoop) seen = await AsyncIO.CreateTask(
                ct => Task.FromResult((Thread.CurrentThread.IsThreadPoolThread, EventLoop.Current is not null)),
                cancellationToken: TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        seen.Should().Be((true, false));
    }

    [Fact]
    public void CreateTask_WorkThatReturnsNull_FailsTheTaskWithAClearMessage()
    {
        TestLoop.RunVirtual(async () =>
        {
#pragma warning disable VSTHRD114 // the point of the test: a delegate that returns null
            Task plain = AsyncIO.CreateTask(_ => (Task)null!);
            Task<int> generic = AsyncIO.CreateTask(_ => (Task<int>)null!);
#pragma warning restore VSTHRD114
            (await plain.Awaiting(t => t).Should().ThrowAsync<InvalidOperationException>()).WithMessage("*returned null*");
            (await generic.Awaiting(t => t).Should().ThrowAsync<InvalidOperationException>()).WithMessage("*returned null*");
        });
    }

    [Fact]
    public void CreateTask_NullWork_ThrowsArgumentNullException()
    {
        Action generic = () => _ = AsyncIO.CreateTask((Func<CancellationToken, Task<int>>)null!);
        Action plain = () => _ = AsyncIO.CreateTask((Func<CancellationToken, Task>)null!);

        generic.Should().Throw<ArgumentNullException>().WithParameterName("work");
        plain.Should().Throw<ArgumentNullException>().WithParameterName("work");
    }
}
