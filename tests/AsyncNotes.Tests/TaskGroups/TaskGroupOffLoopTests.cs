namespace AsyncNotes.Tests.TaskGroups;

// Off a loop, a group works the same, its children on the thread pool. Synchronised on events (gates), never on delays.
public sealed class TaskGroupOffLoopTests
{
    private static CancellationToken TestToken => TestContext.Current.CancellationToken;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ChildrenRunOnThePool_AndRunAsyncWaitsForEveryOne()
    {
        EventLoop.Current.Should().BeNull();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = new System.Collections.Concurrent.ConcurrentBag<(bool OnPool, string? Name)>();
        Task<int>? last = null;

        Task group = TaskGroup.RunAsync(
            tg =>
            {
                for (int i = 0; i < 3; i++)
                {
                    last = tg.CreateTask(
                        async ct =>
                        {
                            seen.Add((Thread.CurrentThread.IsThreadPoolThread, AsyncIO.CurrentTaskName));
                            await release.Task.WaitAsync(ct);
                            return 1;
                        },
                        name: $"worker-{i}");
                }

                return Task.CompletedTask;
            },
            TestToken);

        group.IsCompleted.Should().BeFalse("the children wait for the gate");
        release.SetResult();
        await group.WaitAsync(Patience, TestToken);
        last!.IsCompletedSuccessfully.Should().BeTrue();
        seen.Select(s => s.OnPool).Should().AllBeEquivalentTo(true);
        seen.Select(s => s.Name).Should().BeEquivalentTo(["worker-0", "worker-1", "worker-2"]);
    }

    [Fact]
    public async Task AChildFails_TheOthersAreCancelled_AndEveryFailureIsThrownTogether()
    {
        var failure = new InvalidOperationException("boom");
        var cleanupFailure = new ArgumentException("cleanup");
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Func<Task> act = () => TaskGroup.RunAsync(
            async tg =>
            {
                _ = tg.CreateTask(async ct =>
                {
                    try
                    {
                        waiting.SetResult();
                        await Task.Delay(Timeout.Infinite, ct);
                    }
                    catch (OperationCanceledException)
                    {
                        throw cleanupFailure;
                    }
                });
                await waiting.Task.WaitAsync(tg.CancellationToken);
                _ = tg.CreateTask(_ => throw failure);
                await Task.Delay(Timeout.Infinite, tg.CancellationToken);
            },
            TestToken);

        AggregateException thrown = (await act.Should().ThrowAsync<AggregateException>()).Which;
        thrown.InnerExceptions.Should().Equal(failure, cleanupFailure);
    }

    [Fact]
    public async Task CallerCancels_ChildrenAreCancelled_AndRunAsyncThrowsCancellation()
    {
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task? child = null;

        Task group = TaskGroup.RunAsync(
            tg =>
            {
                child = tg.CreateTask(async ct =>
                {
                    started.SetResult();
                    await Task.Delay(Timeout.Infinite, ct);
                });
                return Task.CompletedTask;
            },
            caller.Token);

        await started.Task.WaitAsync(Patience, TestToken);
        await caller.CancelAsync();
        Func<Task> act = () => group.WaitAsync(Patience, TestToken);
        (await act.Should().ThrowAsync<OperationCanceledException>()).Which.CancellationToken.Should().Be(caller.Token);
        child!.IsCanceled.Should().BeTrue();
    }

    [Fact]
    public async Task CancelFromAnotherThread_AChildsCallbackThrowsAfterTheChildEnded_TheErrorIsStillThrown()
    {
        // Off a loop, Cancel() runs the abort's pass (cancel every child, collecting what their token callbacks throw) on the
        // calling thread, while a child can end and leave on the pool: RunAsync must not end before that pass has, or the
        // callback's error is lost and the group ends as if nothing failed (it did in about four trials of five).
        for (int trial = 0; trial < 20; trial++)
        {
            var callback = new InvalidTimeZoneException($"callback {trial}");
            var registered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            TaskGroup? group = null;
            Task? child = null;
            Task run = TaskGroup.RunAsync(
                tg =>
                {
                    group = tg;
                    child = tg.CreateTask(async ct =>
                    {
                        var callbackStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                        _ = ct.Register(() =>
                        {
                            callbackStarted.SetResult();
                            ((IAsyncResult)child!).AsyncWaitHandle.WaitOne(); // the child has ended: now throw
                            throw callback;
                        });
                        registered.SetResult();
                        await callbackStarted.Task.WaitAsync(TestToken);
                    });
                    return Task.CompletedTask;
                },
                TestToken);

            await registered.Task.WaitAsync(Patience, TestToken);
            group!.Cancel();
            Func<Task> act = () => run.WaitAsync(Patience, TestToken);
            (await act.Should().ThrowAsync<AggregateException>($"trial {trial}")).Which.InnerExceptions.Should().Equal(callback);
        }
    }

    [Fact]
    public async Task MaxConcurrency_NeverMoreThanTheLimitAtOnce()
    {
        int running = 0;
        int peak = 0;
        await TaskGroup.RunAsync(
            tg =>
            {
                for (int i = 0; i < 50; i++)
                {
                    _ = tg.CreateTask(async ct =>
                    {
                        int now = Interlocked.Increment(ref running);
                        int seen;
                        while ((seen = Volatile.Read(ref peak)) < now && Interlocked.CompareExchange(ref peak, now, seen) != seen)
                        {
                        }

                        await Task.Yield();
                        Interlocked.Decrement(ref running);
                    });
                }

                return Task.CompletedTask;
            },
            new TaskGroupOptions { MaxConcurrency = 3 },
            TestToken).WaitAsync(Patience, TestToken);

        peak.Should().BeInRange(1, 3);
        running.Should().Be(0);
    }

    [Fact]
    public async Task Cancel_EndsTheGroupWithoutAnError()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task? child = null;
        await TaskGroup.RunAsync(
            async tg =>
            {
                child = tg.CreateTask(async ct =>
                {
                    started.SetResult();
                    await Task.Delay(Timeout.Infinite, ct);
                });
                await started.Task.WaitAsync(tg.CancellationToken);
                tg.Cancel();
            },
            TestToken).WaitAsync(Patience, TestToken);

        child!.IsCanceled.Should().BeTrue();
    }

    // Off a loop each child is one work item that completes its own task after the group has dealt with the outcome: every
    // child's task is complete when RunAsync ends, and a child cancelled before it ran never runs its work and ends
    // cancelled (asyncio's task.cancelled(); it was faulted with the cancellation while children went through Task.Run).
    [Fact]
    public async Task EveryChildsTaskIsCompleteWhenRunAsyncEnds_AndOneCancelledBeforeItRanEndsCancelled()
    {
        string statuses = await RunGroupWithAFailureAsync(new InvalidOperationException("boom"));
        statuses.Should().Be("first: Canceled, never ran; failing: Faulted; others: all Canceled; all complete");
    }

    private static async Task<string> RunGroupWithAFailureAsync(Exception failure)
    {
        using var cancelFirst = new CancellationTokenSource();
        await cancelFirst.CancelAsync();
        int firstRan = 0;
        var children = new List<Task>();

        // Off a loop the children run on the thread pool while the body still creates more: the failure waits until the body
        // is done, or a loaded machine could let it fail the group first, and the body's next CreateTask would then throw.
        var allCreated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Func<Task> act = () => TaskGroup.RunAsync(
            tg =>
            {
                children.Add(tg.CreateTask(_ => Task.FromResult(Interlocked.Increment(ref firstRan)), cancellationToken: cancelFirst.Token));
                children.Add(tg.CreateTask(async ct =>
                {
                    await allCreated.Task.WaitAsync(ct);
                    throw failure;
                }));
                for (int i = 0; i < 20; i++)
                {
                    children.Add(tg.CreateTask(async ct =>
                    {
                        await Task.Yield();
                        await Task.Delay(Timeout.Infinite, ct);
                    }));
                }

                allCreated.SetResult();
                return Task.CompletedTask;
            },
            TestToken);

        (await act.Should().ThrowAsync<AggregateException>()).Which.InnerExceptions.Should().Equal(failure);
        string others = children.Skip(2).All(c => c.IsCanceled) ? "all Canceled" : "not all Canceled";
        string statuses = $"first: {children[0].Status}, {(firstRan == 0 ? "never ran" : "ran")}; failing: {children[1].Status}; " +
                          $"others: {others}; {(children.All(c => c.IsCompleted) ? "all complete" : "some pending")}";
        return statuses;
    }
}
