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

    [Fact]
    public void CreateTask_CallersTokenCancelledWhileRunning_CancelsTheTasksToken()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2), TestLoop.Current.Time);
            Task task = AsyncIO.CreateTask(ct => AsyncIO.SleepAsync(TimeSpan.FromHours(1), ct), cancellationToken: cts.Token);
            try
            {
                await task;
            }
            catch (OperationCanceledException)
            {
                log.AddAt($"cancelled={task.IsCanceled}");
            }
        });

        log.Entries.Should().Equal("cancelled=True@2");
    }

    [Fact]
    public async Task CreateTask_OffTheLoop_RunsOnTheThreadPool()
    {
        EventLoop.Current.Should().BeNull();

        int result = await AsyncIO.CreateTask(ct => Task.FromResult(Environment.CurrentManagedThreadId), cancellationToken: TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        result.Should().BePositive();
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
