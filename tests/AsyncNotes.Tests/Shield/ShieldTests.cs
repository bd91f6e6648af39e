using AsyncNotes.Tests.Infrastructure;

namespace AsyncNotes.Tests.Shield;

public sealed class ShieldTests
{
    private static async Task<T> AfterAsync<T>(double seconds, T value, EventLog? log = null, string? name = null)
    {
        await AsyncIO.SleepAsync(TestLoop.Seconds(seconds));
        log?.AddAt($"{name}:end");
        return value;
    }

    // SH-01: the inner result passes through.
    [Fact]
    public void ShieldAsync_InnerResult_PassesThrough()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            int result = await AsyncIO.ShieldAsync(AfterAsync(1, 42));
            log.AddAt($"result {result}");
        });

        log.Entries.Should().Equal("result 42@1");
    }

    // SH-01: the inner exception passes through as the same instance; every exception of the inner task passes through.
    [Fact]
    public void ShieldAsync_InnerException_PassesThroughTheSameInstances()
    {
        var boom = new InvalidOperationException("boom");
        var bang = new ArgumentException("bang");

        TestLoop.RunVirtual(async () =>
        {
            async Task<int> FailAsync(Exception exception)
            {
                await AsyncIO.SleepAsync(TestLoop.Seconds(1));
                throw exception;
            }

            Func<Task> shielded = () => AsyncIO.ShieldAsync(FailAsync(boom));
            (await shielded.Should().ThrowAsync<InvalidOperationException>()).Which.Should().BeSameAs(boom);

            Task both = AsyncIO.ShieldAsync(Task.WhenAll(FailAsync(boom), FailAsync(bang)));
            try
            {
                await both;
            }
            catch (InvalidOperationException)
            {
            }

            both.Exception!.InnerExceptions.Should().Equal(boom, bang);
        });
    }

    // SH-01: a task that has already finished is returned as it is, at once.
    [Fact]
    public void ShieldAsync_AlreadyFinished_ReturnsTheSameTask()
    {
        Task<int> done = Task.FromResult(1);
        Task failed = Task.FromException(new InvalidOperationException());
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        AsyncIO.ShieldAsync(done, cts.Token).Should().BeSameAs(done);
        AsyncIO.ShieldAsync(failed, TestContext.Current.CancellationToken).Should().BeSameAs(failed);
        failed.Exception!.InnerException.Should().BeOfType<InvalidOperationException>();
    }

    // SH-02: an inner task that is cancelled makes the shield cancelled.
    [Fact]
    public void ShieldAsync_InnerCancelled_ThrowsOperationCanceled()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            using var inner = new CancellationTokenSource(TestLoop.Seconds(1), TestLoop.Current.Time);
            Task<int> innerTask = AsyncIO.SleepAsync(TestLoop.Seconds(10), 1, inner.Token);
            Task plainTask = AsyncIO.SleepAsync(TestLoop.Seconds(10), inner.Token);

            Func<Task> typed = () => AsyncIO.ShieldAsync(innerTask);
            Func<Task> plain = () => AsyncIO.ShieldAsync(plainTask);
            await typed.Should().ThrowAsync<OperationCanceledException>();
            await plain.Should().ThrowAsync<OperationCanceledException>();
            log.AddAt("cancelled");
        });

        log.Entries.Should().Equal("cancelled@1");
    }

    // SH-03: cancelling the caller's token ends the await with OCE at that instant; the inner work runs on and finishes.
    [Fact]
    public void ShieldAsync_CallersTokenCancelled_ThrowsOperationCanceled_AndTheInnerTaskFinishes()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            using var cts = new CancellationTokenSource(TestLoop.Seconds(1), TestLoop.Current.Time);
            Task<int> inner = AfterAsync(3, 42, log, "inner");

            try
            {
                await AsyncIO.ShieldAsync(inner, cts.Token);
            }
            catch (OperationCanceledException)
            {
                log.AddAt("shield cancelled");
            }

            inner.IsCompleted.Should().BeFalse();
            log.AddAt($"inner result {await inner}");
        });

        log.Entries.Should().Equal("shield cancelled@1", "inner:end@3", "inner result 42@3");
    }

    // SH-03 for the non-generic overload.
    [Fact]
    public void ShieldAsync_NonGeneric_CallersTokenCancelled_InnerFinishes()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            using var cts = new CancellationTokenSource(TestLoop.Seconds(1), TestLoop.Current.Time);
            Task inner = AfterAsync(3, 0, log, "inner");

            Func<Task> shielded = () => AsyncIO.ShieldAsync(inner, cts.Token);
            await shielded.Should().ThrowAsync<OperationCanceledException>();
            log.AddAt("shield cancelled");
            await AsyncIO.ShieldAsync(inner);
            log.AddAt("second shield returned");
        });

        log.Entries.Should().Equal("shield cancelled@1", "inner:end@3", "second shield returned@3");
    }

    // SH-03: the cancel is delivered on the loop, as a callback of its own, after the code that called Cancel() goes on.
    [Fact]
    public void ShieldAsync_CancelledOnTheLoop_ThrowsAfterTheCancellerContinues()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            using var cts = new CancellationTokenSource();
            Task<int> inner = AfterAsync(3, 42);

            async Task AwaitShieldAsync()
            {
                try
                {
                    await AsyncIO.ShieldAsync(inner, cts.Token);
                }
                catch (OperationCanceledException)
                {
                    log.AddAt("shield threw");
                }
            }

            Task waiting = AwaitShieldAsync();
            await AsyncIO.SleepAsync(TestLoop.Seconds(1));
            cts.CancelOnLoop();
            log.AddAt("Cancel returned");
            await waiting;
            await inner;
        });

        log.Entries.Should().Equal("Cancel returned@1", "shield threw@1");
    }

    // The BCL equivalent: task.WaitAsync(ct) is already a shield (awaiting never cancels), but its cancel runs inline,
    // inside the call to Cancel(), before the canceller's next line.
    [Fact]
    public void TaskWaitAsync_IsAlreadyAShield_ButItsCancelRunsInsideCancel()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            using var cts = new CancellationTokenSource();
            Task<int> inner = AfterAsync(3, 42, log, "inner");

            async Task AwaitWaitAsync()
            {
                try
                {
                    await inner.WaitAsync(cts.Token);
                }
                catch (OperationCanceledException)
                {
                    log.AddAt("WaitAsync threw");
                }
            }

            Task waiting = AwaitWaitAsync();
            await AsyncIO.SleepAsync(TestLoop.Seconds(1));
            cts.CancelOnLoop();
            log.AddAt("Cancel returned");
            await waiting;
            await inner;
        });

        log.Entries.Should().Equal("WaitAsync threw@1", "Cancel returned@1", "inner:end@3");
    }

    // Loop-aware: an inner task that finishes on the thread pool completes the shield on the loop, so even Task.WhenAll's
    // continuation over the shield stays in the loop's sight.
    [Fact]
    public void ShieldAsync_InnerFinishesOnTheThreadPool_CompletesTheShieldOnTheLoop()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            int loopThread = Environment.CurrentManagedThreadId;
            Task<int> inner = AsyncIO.ToThreadAsync(() => Environment.CurrentManagedThreadId);
            Task<int> shield = AsyncIO.ShieldAsync(inner);
            int completedOn = 0;
            Task observed = shield.ContinueWith(
                _ => completedOn = Environment.CurrentManagedThreadId,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);

            int[] results = await Task.WhenAll(shield);
            await observed;
            results[0].Should().NotBe(loopThread);
            completedOn.Should().Be(loopThread);
            log.AddAt("done");
        });

        log.Entries.Should().Equal("done@0");
    }

    [Fact]
    public void ShieldAsync_NullTask_ThrowsArgumentNullException()
    {
        Action typed = () => _ = AsyncIO.ShieldAsync((Task<int>)null!);
        Action plain = () => _ = AsyncIO.ShieldAsync((Task)null!);

        typed.Should().Throw<ArgumentNullException>().WithParameterName("task");
        plain.Should().Throw<ArgumentNullException>().WithParameterName("task");
    }

    // Off the loop: the token cancels the await, the inner task still finishes (synchronised on events).
    [Fact]
    public async Task ShieldAsync_OffTheLoop_CancelEndsTheAwait_InnerStillFinishes()
    {
        EventLoop.Current.Should().BeNull();
        var inner = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cts = new CancellationTokenSource();

        Task<int> shield = AsyncIO.ShieldAsync(inner.Task, cts.Token);
        shield.IsCompleted.Should().BeFalse();
        await cts.CancelAsync();

        Func<Task> awaitShield = () => shield.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await awaitShield.Should().ThrowAsync<OperationCanceledException>();
        inner.Task.IsCompleted.Should().BeFalse();

        inner.SetResult(7);
        (await inner.Task).Should().Be(7);
        (await AsyncIO.ShieldAsync(inner.Task, TestContext.Current.CancellationToken)).Should().Be(7);
    }

    // Off the loop: the result passes through from a task finishing on the thread pool.
    [Fact]
    public async Task ShieldAsync_OffTheLoop_ResultPassesThrough()
    {
        var inner = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<int> shield = AsyncIO.ShieldAsync(inner.Task, TestContext.Current.CancellationToken);

        inner.SetResult(5);

        (await shield.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken)).Should().Be(5);
    }
}
