using AsyncNotes.Tests.Infrastructure;
using static AsyncNotes.Tests.Infrastructure.TestLoop;

namespace AsyncNotes.Tests.ContextManagers;

// AsyncExitStack: contextlib.AsyncExitStack's unwinding, with .NET's rules for disposal.
public sealed class AsyncExitStackTests
{
    [Fact]
    public void DisposeAsync_RunsEveryKindOfCleanup_LastPushedFirst()
    {
        var log = new List<string>();
        RunVirtual(async () =>
        {
            var stack = new AsyncExitStack();
            _ = stack.PushAsyncExit(new Resource("async resource", log));
            _ = stack.Push(new SyncResource("sync resource", log));
            stack.PushAsyncCallback(() =>
            {
                log.Add("async callback");
                return ValueTask.CompletedTask;
            });
            stack.PushCallback(() => log.Add("sync callback"));
            stack.Count.Should().Be(4);

            await stack.DisposeAsync();

            stack.Count.Should().Be(0);
        });

        log.Should().Equal("sync callback", "async callback", "sync resource closed", "async resource closed");
    }

    [Fact]
    public void DisposeAsync_AwaitsEachCleanup_BeforeStartingTheNext()
    {
        var log = new List<string>();
        TimeSpan total = RunVirtual(async () =>
        {
            var stack = new AsyncExitStack();
            foreach (string name in new[] { "a", "b", "c" })
            {
                stack.PushAsyncCallback(async () =>
                {
                    log.Add($"{name} starts at {Now.TotalSeconds}s");
                    await AsyncIO.SleepAsync(Seconds(1));
                    log.Add($"{name} ends at {Now.TotalSeconds}s");
                });
            }

            await stack.DisposeAsync();
            return Now;
        });

        log.Should().Equal(
            "c starts at 0s", "c ends at 1s", "b starts at 1s", "b ends at 2s", "a starts at 2s", "a ends at 3s");
        total.Should().Be(Seconds(3));
    }

    [Fact]
    public void Cleanups_OnALoop_RunOnTheLoop()
    {
        var onLoop = new List<bool>();
        RunVirtual(async () =>
        {
            await using var stack = new AsyncExitStack();
            for (int i = 0; i < 3; i++)
            {
                stack.PushAsyncCallback(async () =>
                {
                    await AsyncIO.SleepAsync(Seconds(1));
                    onLoop.Add(EventLoop.Current is not null);
                });
            }
        });

        onLoop.Should().Equal(true, true, true);
    }

    [Fact]
    public async Task OneCleanupThrows_EveryOtherStillRuns_AndItsExceptionIsThrownUnwrapped()
    {
        var log = new List<string>();
        var failure = new InvalidOperationException("b failed");
        var stack = new AsyncExitStack();
        stack.PushCallback(() => log.Add("a"));
        stack.PushCallback(() => throw failure);
        stack.PushCallback(() => log.Add("c"));

        Exception? thrown = await Capture.ExceptionAsync(() => stack.DisposeAsync().AsTask());

        thrown.Should().BeSameAs(failure);
        thrown!.StackTrace.Should().Contain(nameof(OneCleanupThrows_EveryOtherStillRuns_AndItsExceptionIsThrownUnwrapped), "the original stack trace is kept");
        log.Should().Equal("c", "a");
    }

    [Fact]
    public async Task SeveralCleanupsThrow_AllAreCollected_InTheOrderTheyWereThrown()
    {
        var log = new List<string>();
        var first = new InvalidOperationException("pushed first");
        var second = new TimeoutException("pushed second");
        var third = new IOException("pushed third, thrown synchronously by an async callback");
        var stack = new AsyncExitStack();
        stack.PushCallback(() => throw first);
        stack.PushAsyncCallback(async () =>
        {
            await Task.Yield();
            log.Add("async cleanup between failures");
            throw second;
        });
        stack.PushAsyncCallback(() => throw third);
        stack.PushCallback(() => log.Add("last pushed"));

        Exception? thrown = await Capture.ExceptionAsync(() => stack.DisposeAsync().AsTask());

        thrown.Should().BeOfType<AggregateException>()
            .Which.InnerExceptions.Should().Equal(third, second, first);
        log.Should().Equal("last pushed", "async cleanup between failures");
    }

    [Fact]
    public async Task ACancelledCleanup_IsCollectedLikeAnyOtherFailure_AndTheRestStillRun()
    {
        var ran = new List<string>();
        var stack = new AsyncExitStack();
        stack.PushCallback(() => ran.Add("first pushed"));
        stack.PushAsyncCallback(() => ValueTask.FromCanceled(new CancellationToken(canceled: true)));

        Exception? thrown = await Capture.ExceptionAsync(() => stack.DisposeAsync().AsTask());

        thrown.Should().BeAssignableTo<OperationCanceledException>();
        ran.Should().Equal("first pushed");
    }

    [Fact]
    public async Task PopAll_HandsTheCleanupsToANewStack_InTheSameOrder_AndLeavesThisOneEmpty()
    {
        var log = new List<string>();
        AsyncExitStack handedOn;
        await using (var stack = new AsyncExitStack())
        {
            stack.PushCallback(() => log.Add("first"));
            stack.PushCallback(() => log.Add("second"));
            handedOn = stack.PopAll();
            stack.Count.Should().Be(0);
            stack.PushCallback(() => log.Add("pushed after PopAll"));
        }

        log.Should().Equal("pushed after PopAll");
        handedOn.Count.Should().Be(2);

        await handedOn.DisposeAsync();

        log.Should().Equal("pushed after PopAll", "second", "first");
    }

    [Fact]
    public async Task OpeningSeveral_OneOpenFails_TheOnesAlreadyOpenAreClosed_ElseTheyAreHandedOn()
    {
        var log = new List<string>();

        async Task<AsyncExitStack> OpenAllAsync(IEnumerable<string> names)
        {
            await using var stack = new AsyncExitStack();
            foreach (string name in names)
            {
                _ = await stack.EnterAsyncContextAsync(_ => name == "bad"
                    ? throw new IOException("cannot open bad")
                    : Task.FromResult(new Resource(name, log)));
            }

            return stack.PopAll();
        }

        await FluentActions.Awaiting(() => OpenAllAsync(["one", "two", "bad", "three"])).Should().ThrowAsync<IOException>();
        log.Should().Equal("two closed", "one closed");

        log.Clear();
        AsyncExitStack opened = await OpenAllAsync(["one", "two"]);
        log.Should().BeEmpty("the resources outlive the method that opened them");
        await opened.DisposeAsync();
        log.Should().Equal("two closed", "one closed");
    }

    [Fact]
    public async Task AfterDisposeAsync_PushesAreRefused_TheResourceStaysTheCallers_AndASecondDisposeDoesNothing()
    {
        int runs = 0;
        var log = new List<string>();
        var stack = new AsyncExitStack();
        stack.PushCallback(() => runs++);
        await stack.DisposeAsync();

        var resource = new Resource("late", log);
        FluentActions.Invoking(() => stack.PushAsyncExit(resource)).Should().Throw<ObjectDisposedException>();
        FluentActions.Invoking(() => stack.Push(new SyncResource("late sync", log))).Should().Throw<ObjectDisposedException>();
        FluentActions.Invoking(() => stack.PushCallback(() => runs++)).Should().Throw<ObjectDisposedException>();
        FluentActions.Invoking(() => stack.PushAsyncCallback(() => default)).Should().Throw<ObjectDisposedException>();
        FluentActions.Invoking(stack.PopAll).Should().Throw<ObjectDisposedException>();
        await FluentActions.Awaiting(() => stack.EnterAsyncContextAsync(_ => Task.FromResult(resource)))
            .Should().ThrowAsync<ObjectDisposedException>();

        await stack.DisposeAsync();

        runs.Should().Be(1);
        log.Should().BeEmpty("a refused resource is not disposed by the stack");
    }

    [Fact]
    public async Task ACleanupThatPushesOntoItsOwnStack_IsRefused()
    {
        var stack = new AsyncExitStack();
        stack.PushCallback(() => stack.PushCallback(() => { }));

        Exception? thrown = await Capture.ExceptionAsync(() => stack.DisposeAsync().AsTask());

        thrown.Should().BeOfType<ObjectDisposedException>();
    }

    [Fact]
    public void StackDisposedWhileAResourceOpens_TheResourceIsClosedAtOnce_AndTheOpenThrows()
    {
        var log = new List<string>();
        Exception? thrown = RunVirtual(async () =>
        {
            var stack = new AsyncExitStack();
            var opened = new AsyncEvent();
            Task<Resource> enter = stack.EnterAsyncContextAsync(async ct =>
            {
                _ = await opened.WaitAsync(ct);
                return new Resource("slow", log);
            });

            await stack.DisposeAsync();
            opened.Set();
            return await Capture.ExceptionAsync(() => enter);
        });

        thrown.Should().BeOfType<ObjectDisposedException>();
        log.Should().Equal("slow closed");
    }

    [Fact]
    public void AResourceOpenedWhileTheStackUnwinds_IsClosedAfterTheStacksCleanups_AndASecondDisposeWaitsForThem()
    {
        var log = new List<string>();
        RunVirtual(async () =>
        {
            var stack = new AsyncExitStack();
            stack.PushAsyncCallback(async () =>
            {
                log.Add($"connection closing at {Now.TotalSeconds}s");
                await AsyncIO.SleepAsync(Seconds(1));
                log.Add($"connection closed at {Now.TotalSeconds}s");
            });
            Task<IAsyncDisposable> transaction = stack.EnterAsyncContextAsync(async ct =>
            {
                await AsyncIO.SleepAsync(Seconds(0.5), ct);
                return AsyncDisposable.Create(() =>
                {
                    log.Add($"late transaction rolled back at {Now.TotalSeconds}s");
                    return default;
                });
            });

            Task first = stack.DisposeAsync().AsTask();
            await AsyncIO.SleepAsync(Seconds(0.2));
            await stack.DisposeAsync();
            log.Add($"second DisposeAsync returned at {Now.TotalSeconds}s");
            await first;
            Exception? refused = await Capture.ExceptionAsync(() => transaction);
            log.Add($"the open threw {refused?.GetType().Name}");
        });

        log.Should().Equal(
            "connection closing at 0s",
            "connection closed at 1s",
            "second DisposeAsync returned at 1s",
            "late transaction rolled back at 1s",
            "the open threw ObjectDisposedException");
    }

    [Fact]
    public void AResourceOpenedTooLate_ThatFailsToClose_StillReportsTheDisposedStack_WithTheFailureInside()
    {
        var closeFailure = new IOException("close failed");
        Exception? thrown = RunVirtual(async () =>
        {
            var stack = new AsyncExitStack();
            var opened = new AsyncEvent();
            Task<IAsyncDisposable> enter = stack.EnterAsyncContextAsync(async ct =>
            {
                _ = await opened.WaitAsync(ct);
                return AsyncDisposable.Create(() => throw closeFailure);
            });

            await stack.DisposeAsync();
            opened.Set();
            return await Capture.ExceptionAsync(() => enter);
        });

        thrown.Should().BeOfType<ObjectDisposedException>().Which.InnerException.Should().BeSameAs(closeFailure);
    }

    [Fact]
    public async Task EnterAsyncContextAsync_CancelledBeforehand_DoesNotOpen()
    {
        bool opened = false;
        await using var stack = new AsyncExitStack();

        await FluentActions.Awaiting(() => stack.EnterAsyncContextAsync(_ =>
            {
                opened = true;
                return Task.FromResult(AsyncDisposable.Create(() => default));
            }, new CancellationToken(canceled: true)))
            .Should().ThrowAsync<OperationCanceledException>();

        opened.Should().BeFalse();
        stack.Count.Should().Be(0);
    }

    [Fact]
    public async Task EnterAsyncContextAsync_PassesItsTokenToTheOpen()
    {
        using var source = new CancellationTokenSource();
        CancellationToken seen = default;
        await using var stack = new AsyncExitStack();

        _ = await stack.EnterAsyncContextAsync(ct =>
        {
            seen = ct;
            return Task.FromResult(AsyncDisposable.Create(() => default));
        }, source.Token);

        seen.Should().Be(source.Token);
        stack.Count.Should().Be(1);
    }

    [Fact]
    public async Task BadInput_IsRefusedAtTheCall()
    {
        await using var stack = new AsyncExitStack();

        FluentActions.Invoking(() => stack.PushAsyncExit<IAsyncDisposable>(null!)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => stack.Push<IDisposable>(null!)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => stack.PushCallback(null!)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => stack.PushAsyncCallback(null!)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => AsyncDisposable.Create(null!)).Should().Throw<ArgumentNullException>();
        await FluentActions.Awaiting(() => stack.EnterAsyncContextAsync<IAsyncDisposable>(null!)).Should().ThrowAsync<ArgumentNullException>();
        await FluentActions.Awaiting(() => stack.EnterAsyncContextAsync(_ => Task.FromResult<IAsyncDisposable>(null!)))
            .Should().ThrowAsync<ArgumentNullException>();
        stack.Count.Should().Be(0);
    }

    // Thread safety: pushes from several threads racing one DisposeAsync. Each push either lands before the unwinding (and
    // its cleanup runs exactly once) or throws ObjectDisposedException; none is lost, none runs twice.
    [Fact]
    public async Task PushesRacingDispose_EachEitherRunsOnceOrIsRefused()
    {
        const int Threads = 4;
        const int PushesPerThread = 500;
        for (int round = 0; round < 20; round++)
        {
            var stack = new AsyncExitStack();
            int[] runs = new int[Threads * PushesPerThread];
            bool[] refused = new bool[runs.Length];
            using var start = new Barrier(Threads + 1);
            Task[] pushers = Enumerable.Range(0, Threads).Select(t => Task.Factory.StartNew(() =>
            {
                start.SignalAndWait();
                for (int i = 0; i < PushesPerThread; i++)
                {
                    int id = (t * PushesPerThread) + i;
                    try
                    {
                        stack.PushCallback(() => Interlocked.Increment(ref runs[id]));
                    }
                    catch (ObjectDisposedException)
                    {
                        refused[id] = true;
                    }
                }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();

            start.SignalAndWait(TestContext.Current.CancellationToken);
            await stack.DisposeAsync();
            await Task.WhenAll(pushers);

            for (int id = 0; id < runs.Length; id++)
            {
                runs[id].Should().Be(refused[id] ? 0 : 1, $"push {id} in round {round} was {(refused[id] ? "refused" : "accepted")}");
            }
        }
    }

    [Fact]
    public async Task AsyncDisposableCreate_RunsItsCleanupOnce_HoweverOftenAndFromWhereverItIsDisposed()
    {
        int runs = 0;
        IAsyncDisposable disposable = AsyncDisposable.Create(() =>
        {
            Interlocked.Increment(ref runs);
            return default;
        });

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => disposable.DisposeAsync().AsTask())));
        await disposable.DisposeAsync();

        runs.Should().Be(1);
    }

    [Fact]
    public async Task AsyncDisposableCreate_ACleanupThatThrowsBeforeReturning_FailsTheTask_InsteadOfThrowingFromTheCall()
    {
        var failure = new InvalidOperationException("thrown before any await");
        IAsyncDisposable disposable = AsyncDisposable.Create(() => throw failure);

        ValueTask disposal = disposable.DisposeAsync(); // does not throw here

        Exception? thrown = await Capture.ExceptionAsync(() => disposal.AsTask());
        thrown.Should().BeSameAs(failure);
    }

    private sealed class Resource(string name, List<string> log) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            log.Add($"{name} closed");
            return default;
        }
    }

    private sealed class SyncResource(string name, List<string> log) : IDisposable
    {
        public void Dispose() => log.Add($"{name} closed");
    }
}
