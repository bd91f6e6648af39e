using System.Runtime.CompilerServices;
using AsyncNotes.Tests.Infrastructure;

namespace AsyncNotes.Tests.Gather;

/// <summary>GatherAsync over work delegates: the gather starts the children and owns their tokens.</summary>
public sealed class GatherWorkTests
{
    private static Func<CancellationToken, Task<T>> After<T>(double seconds, T value, EventLog log, string name) => async ct =>
    {
        try
        {
            await AsyncIO.SleepAsync(TestLoop.Seconds(seconds), ct);
        }
        catch (OperationCanceledException)
        {
            log.AddAt($"{name} cancelled");
            throw;
        }

        log.AddAt($"{name} done");
        return value;
    };

    private static Func<CancellationToken, Task<int>> FailAfter(double seconds, Exception failure, EventLog log, string name) => async ct =>
    {
        await AsyncIO.SleepAsync(TestLoop.Seconds(seconds), ct);
        log.AddAt($"{name} fails");
        throw failure;
    };

    // GA-01 with owned children: results in input order at the instant the last one ends.
    [Fact]
    public void GatherAsync_Work_ReturnsResultsInInputOrderWhenTheLastEnds()
    {
        var log = new EventLog();

        string[] results = TestLoop.RunVirtual(async () =>
        {
            string[] r = await AsyncIO.GatherAsync([After(3, "a", log, "a"), After(1, "b", log, "b"), After(2, "c", log, "c")]);
            log.AddAt("gathered");
            return r;
        });

        results.Should().Equal("a", "b", "c");
        log.Entries.Should().Equal("b done@1", "c done@2", "a done@3", "gathered@3");
    }

    // The delegates run inside the call, in input order (hot, as calling an async method), each with the gather's token.
    [Fact]
    public void GatherAsync_Work_InvokesTheDelegatesInsideTheCallInInputOrder()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            Func<CancellationToken, Task<int>>[] work = [.. Enumerable.Range(0, 3).Select(i => (Func<CancellationToken, Task<int>>)(ct =>
            {
                log.Add($"start {i} canBeCanceled={ct.CanBeCanceled}");
                return Task.FromResult(i);
            }))];
            Task<int[]> gather = AsyncIO.GatherAsync(work);
            log.Add("call returned");
            (await gather).Should().Equal(0, 1, 2);
        });

        log.Entries.Should().Equal("start 0 canBeCanceled=True", "start 1 canBeCanceled=True", "start 2 canBeCanceled=True", "call returned");
    }

    // GA-02: the first failure propagates at once (same object); the owned sibling is not cancelled and finishes.
    [Fact]
    public void GatherAsync_WorkFirstChildFails_ThrowsAtOnceAndTheSiblingIsNotCancelled()
    {
        var log = new EventLog();
        var failure = new InvalidOperationException("boom");

        TestLoop.RunVirtual(async () =>
        {
            try
            {
                await AsyncIO.GatherAsync([FailAfter(1, failure, log, "a"), After(3, 2, log, "sibling")]);
            }
            catch (InvalidOperationException caught)
            {
                log.AddAt($"caught same={ReferenceEquals(caught, failure)}");
            }

            await AsyncIO.SleepAsync(TestLoop.Seconds(5));
        });

        log.Entries.Should().Equal("a fails@1", "caught same=True@1", "sibling done@3");
    }

    // A delegate that throws instead of returning a task counts as that child failing.
    [Fact]
    public void GatherAsync_DelegateThrowsSynchronously_CountsAsThatChildFailing()
    {
        var failure = new InvalidOperationException("sync boom");

        Outcome<int>[] outcomes = TestLoop.RunVirtual(() => AsyncIO.GatherAsync(
            [_ => Task.FromResult(1), _ => throw failure, _ => throw new OperationCanceledException()],
            returnExceptions: true));

        outcomes.Select(o => o.Status).Should().Equal(OutcomeStatus.Success, OutcomeStatus.Faulted, OutcomeStatus.Canceled);
        outcomes[1].Exception.Should().BeSameAs(failure);
    }

    // GA-03 with owned children.
    [Fact]
    public void GatherAsync_WorkReturnExceptions_StoresFailuresAtTheirPositionsAndWaitsForAll()
    {
        var log = new EventLog();
        var failure = new InvalidOperationException("boom");

        Outcome<int>[] outcomes = TestLoop.RunVirtual(async () =>
        {
            Outcome<int>[] r = await AsyncIO.GatherAsync([After(3, 1, log, "a"), FailAfter(1, failure, log, "b")], returnExceptions: true);
            log.AddAt("gathered");
            return r;
        });

        log.Entries.Should().Equal("b fails@1", "a done@3", "gathered@3");
        outcomes[0].Value.Should().Be(1);
        outcomes[1].Exception.Should().BeSameAs(failure);
    }

    // GA-06: cancelling the caller cancels every unfinished child; children end Canceled; the caller gets OCE.
    [Fact]
    public void GatherAsync_WorkCallerCancelled_CancelsEveryChildAndThrowsOperationCanceledException()
    {
        var log = new EventLog();
        var children = new List<Task<int>>();

        TestLoop.RunVirtual(async () =>
        {
            using var cts = new CancellationTokenSource(TestLoop.Seconds(2), TestLoop.Current.Time);
            Func<CancellationToken, Task<int>> Tracked(Func<CancellationToken, Task<int>> work) => ct =>
            {
                Task<int> child = work(ct);
                children.Add(child);
                return child;
            };

            try
            {
                await AsyncIO.GatherAsync([Tracked(After(1, 1, log, "a")), Tracked(After(5, 2, log, "b")), Tracked(After(9, 3, log, "c"))], cancellationToken: cts.Token);
                log.AddAt("after await (never)");
            }
            catch (OperationCanceledException e)
            {
                log.AddAt($"gather cancelled by caller={e.CancellationToken == cts.Token}");
            }
        });

        log.Entries.Should().Equal("a done@1", "b cancelled@2", "c cancelled@2", "gather cancelled by caller=True@2");
        children.Select(c => c.Status).Should().Equal(TaskStatus.RanToCompletion, TaskStatus.Canceled, TaskStatus.Canceled);
    }

    // GA-06, the BCL difference: Task.WhenAll cannot cancel its inputs; cancelling its WaitAsync leaves them running.
    [Fact]
    public void TaskWhenAll_CallerCancelled_LeavesTheChildrenRunning()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            using var cts = new CancellationTokenSource(TestLoop.Seconds(2), TestLoop.Current.Time);
            Task<int[]> all = Task.WhenAll(After(5, 2, log, "b")(CancellationToken.None));
            try
            {
                await all.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                log.AddAt("caller cancelled");
            }

            await all;
        });

        log.Entries.Should().Equal("caller cancelled@2", "b done@5");
    }

    // GA-08: even with returnExceptions, cancelling the caller throws OCE instead of returning outcomes.
    [Fact]
    public void GatherAsync_WorkReturnExceptionsCallerCancelled_ThrowsOperationCanceledException()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            using var cts = new CancellationTokenSource(TestLoop.Seconds(2), TestLoop.Current.Time);
            Func<Task> act = () => AsyncIO.GatherAsync([After(1, 1, log, "a"), After(5, 2, log, "b")], returnExceptions: true, cancellationToken: cts.Token);
            await act.Should().ThrowAsync<OperationCanceledException>();
            log.AddAt("gather cancelled");
        });

        log.Entries.Should().Equal("a done@1", "b cancelled@2", "gather cancelled@2");
    }

    // A child that ignores its token delays the gather's cancellation until it finishes.
    [Fact]
    public void GatherAsync_WorkChildIgnoresItsToken_CancellationWaitsForIt()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            using var cts = new CancellationTokenSource(TestLoop.Seconds(1), TestLoop.Current.Time);
            Func<CancellationToken, Task<int>> stubborn = _ => After(3, 1, log, "stubborn")(CancellationToken.None);
            Func<Task> act = () => AsyncIO.GatherAsync([stubborn, After(5, 2, log, "b")], cancellationToken: cts.Token);
            await act.Should().ThrowAsync<OperationCanceledException>();
            log.AddAt("gather cancelled");
        });

        log.Entries.Should().Equal("b cancelled@1", "stubborn done@3", "gather cancelled@3");
    }

    [Fact]
    public void GatherAsync_WorkTokenAlreadyCancelled_RunsNoDelegateAndIsCancelled()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        bool ran = false;

        Task<int[]> gather = AsyncIO.GatherAsync([ct => { ran = true; return Task.FromResult(1); }], cancellationToken: cts.Token);

        gather.IsCanceled.Should().BeTrue();
        ran.Should().BeFalse();
    }

    // A sibling left running after a failure is still cancelled if the caller's token is cancelled later.
    [Fact]
    public void GatherAsync_WorkSiblingLeftRunningAfterAFailure_IsCancelledWhenTheCallerIsCancelledLater()
    {
        var log = new EventLog();
        var failure = new InvalidOperationException("boom");

        TestLoop.RunVirtual(async () =>
        {
            using var cts = new CancellationTokenSource();
            Func<Task> act = () => AsyncIO.GatherAsync([FailAfter(1, failure, log, "a"), After(9, 2, log, "sibling")], cancellationToken: cts.Token);
            await act.Should().ThrowAsync<InvalidOperationException>();
            await AsyncIO.SleepAsync(TestLoop.Seconds(1));
            cts.CancelOnLoop();
            await AsyncIO.SleepAsync(TestLoop.Seconds(1));
        });

        log.Entries.Should().Equal("a fails@1", "sibling cancelled@2");
    }

    // On a loop the children are known to it: if the run ends while a sibling still runs, it is cancelled and awaited.
    [Fact]
    public void GatherAsync_WorkRunEndsWhileASiblingRuns_TheLoopCancelsAndAwaitsIt()
    {
        var log = new EventLog();
        var failure = new InvalidOperationException("boom");

        TestLoop.RunVirtual(async () =>
        {
            Func<Task> act = () => AsyncIO.GatherAsync([FailAfter(1, failure, log, "a"), After(9, 2, log, "sibling")]);
            await act.Should().ThrowAsync<InvalidOperationException>();
            log.AddAt("main ends");
        });

        log.Entries.Should().Equal("a fails@1", "main ends@1", "sibling cancelled@1");
    }

    // On a loop the children are one task the loop knows of: a deadlock report names it.
    [Fact]
    public void GatherAsync_WorkChildrenWaitForever_TheDeadlockReportNamesTheGather()
    {
        var never = new TaskCompletionSource<int>();

        Action act = () => TestLoop.RunVirtual(() => AsyncIO.GatherAsync([_ => never.Task]));

        act.Should().Throw<EventLoopDeadlockException>().Which.WaitingTasks.Should().Equal("main", "GatherAsync");
    }

    // maxConcurrency: never more than N at once; the next starts, in input order, when one finishes.
    [Fact]
    public void GatherAsync_MaxConcurrency_RunsAtMostThatManyAtOnceInInputOrder()
    {
        var log = new EventLog();
        int running = 0;
        int highWater = 0;

        int[] results = TestLoop.RunVirtual(async () =>
        {
            Func<CancellationToken, Task<int>>[] work = [.. Enumerable.Range(0, 10).Select(i => (Func<CancellationToken, Task<int>>)(async ct =>
            {
                log.AddAt($"start {i}");
                highWater = Math.Max(highWater, ++running);
                await AsyncIO.SleepAsync(TestLoop.Seconds(1), ct);
                running--;
                return i * 10;
            }))];
            int[] r = await AsyncIO.GatherAsync(work, maxConcurrency: 3);
            log.AddAt("gathered");
            return r;
        });

        highWater.Should().Be(3);
        results.Should().Equal(0, 10, 20, 30, 40, 50, 60, 70, 80, 90);
        log.Entries.Should().Equal(
            "start 0@0", "start 1@0", "start 2@0",
            "start 3@1", "start 4@1", "start 5@1",
            "start 6@2", "start 7@2", "start 8@2",
            "start 9@3", "gathered@4");
    }

    // maxConcurrency: after the first failure, children not yet started never start.
    [Fact]
    public void GatherAsync_MaxConcurrencyAfterAFailure_StartsNoFurtherChild()
    {
        var log = new EventLog();
        var failure = new InvalidOperationException("boom");

        TestLoop.RunVirtual(async () =>
        {
            Func<Task> act = () => AsyncIO.GatherAsync([FailAfter(1, failure, log, "a"), After(2, 2, log, "b"), After(1, 3, log, "never")], maxConcurrency: 2);
            await act.Should().ThrowAsync<InvalidOperationException>();
            await AsyncIO.SleepAsync(TestLoop.Seconds(5));
        });

        log.Entries.Should().Equal("a fails@1", "b done@2");
    }

    // Children that complete synchronously do not recurse: a long input with a limit of 1 runs in a loop.
    [Fact]
    public void GatherAsync_MaxConcurrencyWithSynchronousChildren_DoesNotRecurse()
    {
        Func<CancellationToken, Task<int>>[] work = [.. Enumerable.Range(0, 100_000).Select(i => (Func<CancellationToken, Task<int>>)(_ => Task.FromResult(i)))];

        int[] results = TestLoop.RunVirtual(() => AsyncIO.GatherAsync(work, maxConcurrency: 1));

        results.Should().HaveCount(100_000).And.BeInAscendingOrder();
    }

    [Fact]
    public async Task GatherAsync_NoWork_ReturnsACompletedEmptyArray()
    {
        CancellationToken token = TestContext.Current.CancellationToken;
        Task<int[]> plain = AsyncIO.GatherAsync(Array.Empty<Func<CancellationToken, Task<int>>>(), maxConcurrency: 2, token);
        Task<Outcome<int>[]> outcomes = AsyncIO.GatherAsync(Array.Empty<Func<CancellationToken, Task<int>>>(), returnExceptions: true, cancellationToken: token);
        Task nonGeneric = AsyncIO.GatherAsync(Array.Empty<Func<CancellationToken, Task>>(), cancellationToken: token);

        plain.IsCompletedSuccessfully.Should().BeTrue();
        (await plain).Should().BeEmpty();
        (await outcomes).Should().BeEmpty();
        nonGeneric.IsCompletedSuccessfully.Should().BeTrue();
    }

    [Fact]
    public void GatherAsync_BadWorkInput_ThrowsAtTheCallBeforeAnyWork()
    {
        bool ran = false;
        Func<CancellationToken, Task<int>> work = _ =>
        {
            ran = true;
            return Task.FromResult(1);
        };

        Action nullList = () => _ = AsyncIO.GatherAsync((IEnumerable<Func<CancellationToken, Task<int>>>)null!);
        Action nullElement = () => _ = AsyncIO.GatherAsync([work, null!]);
        Action zero = () => _ = AsyncIO.GatherAsync([work], maxConcurrency: 0);
        Action negative = () => _ = AsyncIO.GatherAsync([work], returnExceptions: true, maxConcurrency: -1);
        Action nonGeneric = () => _ = AsyncIO.GatherAsync([_ => Task.CompletedTask], maxConcurrency: 0);

        nullList.Should().Throw<ArgumentNullException>().WithParameterName("work");
        nullElement.Should().Throw<ArgumentNullException>().WithParameterName("work");
        zero.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("maxConcurrency");
        negative.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("maxConcurrency");
        nonGeneric.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("maxConcurrency");
        ran.Should().BeFalse();
    }

    [Fact]
    public void GatherAsync_NonGenericWork_OwnsTheTokensAndThrowsTheFirstFailure()
    {
        var log = new EventLog();
        var failure = new InvalidOperationException("boom");

        TestLoop.RunVirtual(async () =>
        {
            await AsyncIO.GatherAsync([ct => After(1, 0, log, "a")(ct), ct => After(2, 0, log, "b")(ct)], maxConcurrency: 1);
            log.AddAt("all done");
            Func<Task> act = () => AsyncIO.GatherAsync([ct => FailAfter(1, failure, log, "c")(ct), ct => After(3, 0, log, "d")(ct)]);
            (await act.Should().ThrowAsync<InvalidOperationException>()).Which.Should().BeSameAs(failure);
            log.AddAt("caught");
            await AsyncIO.SleepAsync(TestLoop.Seconds(5));
        });

        log.Entries.Should().Equal("a done@1", "b done@3", "all done@3", "c fails@4", "caught@4", "d done@6");
    }

    // GA-10: children that fail after the gather has failed are observed: UnobservedTaskException never sees them.
    [Fact]
    public void GatherAsync_LateChildFaults_AreObserved()
    {
        var first = new InvalidOperationException("first");
        var late = new[] { new InvalidOperationException("late 1"), new InvalidOperationException("late 2") };
        IReadOnlyList<Exception> unobserved = UnobservedTaskExceptions.During(() =>
        {
            RunGatherWithLateFaults(first, late);
            RunHotGatherWithLateFaults(first, late);
        });

        unobserved.Should().NotContain(late);
    }

    // A gather over hot tasks whose token is already cancelled ends at once, cancelled; a child that fails after that is still
    // observed, as every child of a gather is. (It was not watched at all: its failure reached UnobservedTaskException.)
    [Fact]
    public void GatherAsync_HotTasksWithATokenAlreadyCancelled_ALaterFailureIsStillObserved()
    {
        var late = new InvalidOperationException("late, after a gather cancelled before it began");
        UnobservedTaskExceptions.During(() => GatherCancelledBeforeItBeganThenFail(late)).Should().NotContain(late);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void GatherCancelledBeforeItBeganThenFail(Exception failure)
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var child = new TaskCompletionSource<int>();
        Task<int[]> gather = AsyncIO.GatherAsync([child.Task], cts.Token);
        gather.IsCanceled.Should().BeTrue();
        child.SetException(failure);
    }

    // GA-10, the BCL contrast: a faulted task that nobody observes does reach UnobservedTaskException at GC time.
    [Fact]
    public void DiscardedFaultedTask_ReachesUnobservedTaskExceptionAtGarbageCollection()
    {
        var lost = new InvalidOperationException("lost");
        UnobservedTaskExceptions.During(() => DiscardAFaultedTask(lost)).Should().Contain(lost);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RunGatherWithLateFaults(Exception first, Exception[] late)
    {
        var log = new EventLog();
        TestLoop.RunVirtual(async () =>
        {
            Func<Task> act = () => AsyncIO.GatherAsync([FailAfter(1, first, log, "first"), FailAfter(2, late[0], log, "late")]);
            await act.Should().ThrowAsync<InvalidOperationException>();
            await AsyncIO.SleepAsync(TestLoop.Seconds(3));
        });
        log.Entries.Should().Equal("first fails@1", "late fails@2");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RunHotGatherWithLateFaults(Exception first, Exception[] late)
    {
        var log = new EventLog();
        TestLoop.RunVirtual(async () =>
        {
            Func<Task> act = () => AsyncIO.GatherAsync(FailAfter(1, first, log, "first")(CancellationToken.None), FailAfter(2, late[1], log, "late")(CancellationToken.None));
            await act.Should().ThrowAsync<InvalidOperationException>();
            await AsyncIO.SleepAsync(TestLoop.Seconds(3));
        });
        log.Entries.Should().Equal("first fails@1", "late fails@2");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void DiscardAFaultedTask(Exception failure)
    {
        var log = new EventLog();
        TestLoop.RunVirtual(async () =>
        {
            _ = FailAfter(1, failure, log, "discarded")(CancellationToken.None);
            await AsyncIO.SleepAsync(TestLoop.Seconds(2));
        });
        log.Entries.Should().Equal("discarded fails@1");
    }

    // Off a loop: owned children on the thread pool, the limit holds, results in input order.
    [Fact]
    public async Task GatherAsync_WorkOffTheLoop_HonoursTheLimitAndReturnsResultsInInputOrder()
    {
        EventLoop.Current.Should().BeNull();
        int running = 0;
        int highWater = 0;

        Func<CancellationToken, Task<int>>[] work = [.. Enumerable.Range(0, 20).Select(i => (Func<CancellationToken, Task<int>>)(async ct =>
        {
            int now = Interlocked.Increment(ref running);
            InterlockedMax(ref highWater, now);
            await Task.Delay(TimeSpan.FromMilliseconds(5), ct);
            Interlocked.Decrement(ref running);
            return i;
        }))];

        int[] results = await AsyncIO.GatherAsync(work, maxConcurrency: 4, TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        results.Should().Equal(Enumerable.Range(0, 20));
        highWater.Should().BeInRange(1, 4);
    }

    // Off a loop: cancelling the caller cancels the children on the thread pool.
    [Fact]
    public async Task GatherAsync_WorkOffTheLoopCallerCancelled_CancelsTheChildren()
    {
        using var cts = new CancellationTokenSource();
        var started = new CountdownEvent(2);
        var children = new Task[2];

        Func<CancellationToken, Task<int>>[] work = [.. Enumerable.Range(0, 2).Select(i => (Func<CancellationToken, Task<int>>)(ct =>
        {
            Task<int> child = Task.Delay(Timeout.Infinite, ct).ContinueWith(_ => i, ct, TaskContinuationOptions.None, TaskScheduler.Default);
            children[i] = child;
            started.Signal();
            return child;
        }))];

        Task<int[]> gather = AsyncIO.GatherAsync(work, cancellationToken: cts.Token);
        started.Wait(TestContext.Current.CancellationToken);
        await cts.CancelAsync();
        Func<Task> act = () => gather.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        await act.Should().ThrowAsync<OperationCanceledException>();
        children.Should().OnlyContain(c => c.IsCanceled);
        started.Dispose();
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current = Volatile.Read(ref target);
        while (value > current)
        {
            int seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
