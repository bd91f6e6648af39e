using AsyncNotes.Tests.Infrastructure;

namespace AsyncNotes.Tests.Gather;

/// <summary>GatherAsync over tasks that are already running (hot tasks the gather does not own).</summary>
public sealed class GatherTasksTests
{
    private static async Task<T> AfterAsync<T>(double seconds, T value, EventLog log, string name, CancellationToken cancellationToken = default)
    {
        await AsyncIO.SleepAsync(TestLoop.Seconds(seconds), cancellationToken);
        log.AddAt($"{name} done");
        return value;
    }

    private static async Task<int> FailAfterAsync(double seconds, Exception failure, EventLog log, string name)
    {
        await AsyncIO.SleepAsync(TestLoop.Seconds(seconds));
        log.AddAt($"{name} fails");
        throw failure;
    }

    // GA-01: results in input order, whatever the finishing order; pending while any child is pending.
    [Fact]
    public void GatherAsync_ChildrenFinishOutOfOrder_ReturnsResultsInInputOrderWhenTheLastEnds()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            Task<string[]> gather = AsyncIO.GatherAsync([AfterAsync(3, "a", log, "a"), AfterAsync(1, "b", log, "b"), AfterAsync(2, "c", log, "c")]);
            await AsyncIO.SleepAsync(TestLoop.Seconds(2.5));
            log.AddAt($"pending={!gather.IsCompleted}");
            string[] results = await gather;
            log.AddAt($"gathered {string.Join(",", results)}");
        });

        log.Entries.Should().Equal("b done@1", "c done@2", "pending=True@2.5", "a done@3", "gathered a,b,c@3");
    }

    // GA-01: the params form reads like asyncio.gather(a, b, c).
    [Fact]
    public void GatherAsync_ParamsForm_ReturnsResultsInArgumentOrder()
    {
        var log = new EventLog();

        int[] results = TestLoop.RunVirtual(() => AsyncIO.GatherAsync(AfterAsync(2, 1, log, "a"), AfterAsync(1, 2, log, "b"), AfterAsync(3, 3, log, "c")));

        results.Should().Equal(1, 2, 3);
        log.Entries.Should().Equal("b done@1", "a done@2", "c done@3");
    }

    // GA-02: the first failure propagates at once, the very exception object; the sibling keeps running, not cancelled.
    [Fact]
    public void GatherAsync_FirstChildFails_ThrowsThatExceptionAtOnceWhileTheSiblingKeepsRunning()
    {
        var log = new EventLog();
        var failure = new InvalidOperationException("boom");

        TestLoop.RunVirtual(async () =>
        {
            Task<int> sibling = AfterAsync(3, 3, log, "sibling");
            try
            {
                await AsyncIO.GatherAsync(FailAfterAsync(1, failure, log, "a"), sibling);
            }
            catch (InvalidOperationException caught)
            {
                log.AddAt($"caught same={ReferenceEquals(caught, failure)}");
            }

            await sibling;
        });

        log.Entries.Should().Equal("a fails@1", "caught same=True@1", "sibling done@3");
    }

    // GA-02, the BCL difference: Task.WhenAll faults only when every child has finished.
    [Fact]
    public void TaskWhenAll_FirstChildFails_ThrowsOnlyWhenEveryChildHasFinished()
    {
        var log = new EventLog();
        var failure = new InvalidOperationException("boom");

        TestLoop.RunVirtual(async () =>
        {
            try
            {
                await Task.WhenAll(FailAfterAsync(1, failure, log, "a"), AfterAsync(3, 3, log, "sibling"));
            }
            catch (InvalidOperationException caught)
            {
                log.AddAt($"caught same={ReferenceEquals(caught, failure)}");
            }
        });

        log.Entries.Should().Equal("a fails@1", "sibling done@3", "caught same=True@3");
    }

    // GA-02: a child that ends cancelled ends the gather at that instant, with OperationCanceledException; as in asyncio, the
    // gather fails *with* that exception rather than being cancelled itself (IsCanceled is for the caller's own token).
    // (This test once expected IsCanceled.)
    [Fact]
    public void GatherAsync_ChildCancelled_EndsAtOnceFailedWithTheCancellation()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            using var childCts = new CancellationTokenSource(TestLoop.Seconds(1), TestLoop.Current.Time);
            Task<int[]> gather = AsyncIO.GatherAsync(AfterAsync(5, 1, log, "cancelled child", childCts.Token), AfterAsync(3, 2, log, "sibling"));
            try
            {
                await gather;
            }
            catch (OperationCanceledException)
            {
                log.AddAt($"gather canceled={gather.IsCanceled}");
            }

            await AsyncIO.SleepAsync(TestLoop.Seconds(5));
        });

        log.Entries.Should().Equal("gather canceled=False@1", "sibling done@3");
    }

    // GA-03: returnExceptions: true stores each failure (the very object) at its position and waits for all.
    [Fact]
    public void GatherAsync_ReturnExceptions_StoresFailuresAtTheirPositionsAndWaitsForAll()
    {
        var log = new EventLog();
        var failure = new InvalidOperationException("boom");

        Outcome<int>[] outcomes = TestLoop.RunVirtual(async () =>
        {
            Outcome<int>[] result = await AsyncIO.GatherAsync([AfterAsync(3, 1, log, "a"), FailAfterAsync(1, failure, log, "b"), AfterAsync(2, 3, log, "c")], returnExceptions: true);
            log.AddAt("gathered");
            return result;
        });

        log.Entries.Should().Equal("b fails@1", "c done@2", "a done@3", "gathered@3");
        outcomes.Select(o => o.Status).Should().Equal(OutcomeStatus.Success, OutcomeStatus.Faulted, OutcomeStatus.Success);
        outcomes[0].Value.Should().Be(1);
        outcomes[1].Exception.Should().BeSameAs(failure);
        outcomes[2].Value.Should().Be(3);
    }

    // GA-05: a cancelled child contributes an OperationCanceledException at its position; the others keep theirs.
    [Fact]
    public void GatherAsync_ReturnExceptionsWithACancelledChild_HoldsAnOperationCanceledExceptionAtItsPosition()
    {
        var log = new EventLog();
        var failure = new InvalidOperationException("boom");

        Outcome<int>[] outcomes = TestLoop.RunVirtual(async () =>
        {
            using var childCts = new CancellationTokenSource(TestLoop.Seconds(1), TestLoop.Current.Time);
            return await AsyncIO.GatherAsync([AfterAsync(2, 1, log, "a"), AfterAsync(5, 2, log, "b", childCts.Token), FailAfterAsync(3, failure, log, "c")], returnExceptions: true);
        });

        outcomes.Select(o => o.Status).Should().Equal(OutcomeStatus.Success, OutcomeStatus.Canceled, OutcomeStatus.Faulted);
        outcomes[0].Value.Should().Be(1);
        outcomes[1].Exception.Should().BeAssignableTo<OperationCanceledException>().Which.CancellationToken.IsCancellationRequested.Should().BeTrue();
        outcomes[2].Exception.Should().BeSameAs(failure);
    }

    // returnExceptions: false in the outcome form: the first failure is thrown, as in the plain form.
    [Fact]
    public void GatherAsync_OutcomeFormWithoutReturnExceptions_ThrowsTheFirstFailureAtOnce()
    {
        var log = new EventLog();
        var failure = new InvalidOperationException("boom");

        TestLoop.RunVirtual(async () =>
        {
            Func<Task> act = () => AsyncIO.GatherAsync([FailAfterAsync(1, failure, log, "a"), AfterAsync(3, 2, log, "b")], returnExceptions: false);
            (await act.Should().ThrowAsync<InvalidOperationException>()).Which.Should().BeSameAs(failure);
            log.AddAt("caught");
            await AsyncIO.SleepAsync(TestLoop.Seconds(5));
        });

        log.Entries.Should().Equal("a fails@1", "caught@1", "b done@3");
    }

    // returnExceptions: false when all succeed: every outcome is a success.
    [Fact]
    public void GatherAsync_OutcomeFormWithoutReturnExceptionsAllSucceed_ReturnsSuccesses()
    {
        var log = new EventLog();

        Outcome<int>[] outcomes = TestLoop.RunVirtual(() => AsyncIO.GatherAsync([AfterAsync(2, 1, log, "a"), AfterAsync(1, 2, log, "b")], returnExceptions: false));

        outcomes.Select(o => o.Value).Should().Equal(1, 2);
    }

    // The token only stops the waiting: hot tasks are not the gather's and keep running (asyncio would cancel them).
    [Fact]
    public void GatherAsync_OverTasksTokenCancelled_EndsCancelledAtOnceWhileTheTasksKeepRunning()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            using var cts = new CancellationTokenSource(TestLoop.Seconds(1), TestLoop.Current.Time);
            Task<int> child = AfterAsync(3, 1, log, "child");
            try
            {
                await AsyncIO.GatherAsync([child], cts.Token);
            }
            catch (OperationCanceledException e)
            {
                log.AddAt($"gather cancelled by caller={e.CancellationToken == cts.Token}");
            }

            await child;
        });

        log.Entries.Should().Equal("gather cancelled by caller=True@1", "child done@3");
    }

    // GA-08 for tasks: with returnExceptions the caller's cancellation is thrown, not returned as outcomes.
    [Fact]
    public void GatherAsync_OverTasksReturnExceptionsTokenCancelled_ThrowsOperationCanceledException()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            using var cts = new CancellationTokenSource(TestLoop.Seconds(1), TestLoop.Current.Time);
            Func<Task> act = () => AsyncIO.GatherAsync([AfterAsync(3, 1, log, "child")], returnExceptions: true, cts.Token);
            await act.Should().ThrowAsync<OperationCanceledException>();
            log.AddAt("cancelled");
        });

        log.Entries.Should().Equal("cancelled@1");
    }

    [Fact]
    public void GatherAsync_TokenAlreadyCancelled_IsCancelledAtTheCall()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Task<int[]> gather = AsyncIO.GatherAsync([Task.FromResult(1)], cts.Token);

        gather.IsCanceled.Should().BeTrue();
    }

    // asyncio's gather() of nothing returns [].
    [Fact]
    public async Task GatherAsync_NoTasks_ReturnsACompletedEmptyArray()
    {
        CancellationToken token = TestContext.Current.CancellationToken;
        Task<int[]> plain = AsyncIO.GatherAsync(Array.Empty<Task<int>>(), token);
        Task<Outcome<int>[]> outcomes = AsyncIO.GatherAsync(Array.Empty<Task<int>>(), returnExceptions: true, token);
        Task nonGeneric = AsyncIO.GatherAsync(Array.Empty<Task>(), token);

        plain.IsCompletedSuccessfully.Should().BeTrue();
        (await plain).Should().BeEmpty();
        outcomes.IsCompletedSuccessfully.Should().BeTrue();
        (await outcomes).Should().BeEmpty();
        nonGeneric.IsCompletedSuccessfully.Should().BeTrue();
    }

    [Fact]
    public void GatherAsync_NullTasksOrNullElement_ThrowsArgumentNullExceptionAtTheCall()
    {
        Action nullList = () => _ = AsyncIO.GatherAsync((IEnumerable<Task<int>>)null!);
        Action nullElement = () => _ = AsyncIO.GatherAsync([Task.FromResult(1), null!]);
        Action nullOutcomes = () => _ = AsyncIO.GatherAsync((IEnumerable<Task<int>>)null!, returnExceptions: true);
        Action nullNonGeneric = () => _ = AsyncIO.GatherAsync([Task.CompletedTask, null!]);

        nullList.Should().Throw<ArgumentNullException>().WithParameterName("tasks");
        nullElement.Should().Throw<ArgumentNullException>().WithParameterName("tasks");
        nullOutcomes.Should().Throw<ArgumentNullException>().WithParameterName("tasks");
        nullNonGeneric.Should().Throw<ArgumentNullException>().WithParameterName("tasks");
    }

    // The non-generic form takes tasks of different result types; the first failure is thrown at once.
    [Fact]
    public void GatherAsync_NonGenericTasks_WaitsForAllAndThrowsTheFirstFailureAtOnce()
    {
        var log = new EventLog();
        var failure = new InvalidOperationException("boom");

        TestLoop.RunVirtual(async () =>
        {
            await AsyncIO.GatherAsync(AfterAsync(1, "text", log, "a"), AfterAsync(2, 42, log, "b"));
            log.AddAt("all done");
            Func<Task> act = () => AsyncIO.GatherAsync(AfterAsync(3, "text", log, "c"), FailAfterAsync(1, failure, log, "d"));
            (await act.Should().ThrowAsync<InvalidOperationException>()).Which.Should().BeSameAs(failure);
            log.AddAt("caught");
            await AsyncIO.SleepAsync(TestLoop.Seconds(5));
        });

        log.Entries.Should().Equal("a done@1", "b done@2", "all done@2", "d fails@3", "caught@3", "c done@5");
    }

    // Rule: the input is read once, at the call: a one-shot sequence is enumerated there and only there, and changing a
    // list after the call changes nothing.
    [Fact]
    public void GatherAsync_Input_IsReadOnceAtTheCall()
    {
        var log = new EventLog();
        int enumerations = 0;

        (int AtTheCall, int[] FromSequence, int[] FromList) seen = TestLoop.RunVirtual(async () =>
        {
            IEnumerable<Task<int>> OneShot()
            {
                enumerations++;
                yield return AfterAsync(2, 1, log, "a");
                yield return AfterAsync(1, 2, log, "b");
            }

            Task<int[]> fromSequence = AsyncIO.GatherAsync(OneShot());
            int atTheCall = enumerations;

            var list = new List<Task<int>> { AfterAsync(1, 10, log, "c") };
            Task<int[]> fromList = AsyncIO.GatherAsync(list);
            list.Add(AfterAsync(5, 20, log, "added later"));
            list.RemoveAt(0);

            int[] first = await fromSequence;
            int[] second = await fromList;
            await list[0];
            return (atTheCall, first, second);
        });

        seen.AtTheCall.Should().Be(1);
        enumerations.Should().Be(1);
        seen.FromSequence.Should().Equal(1, 2);
        seen.FromList.Should().Equal(10);
    }

    // The non-generic form over tasks: its token stops only the waiting, at once; the tasks keep running.
    [Fact]
    public void GatherAsync_NonGenericTasksTokenCancelled_EndsCancelledAtOnceWhileTheTasksKeepRunning()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            using var cts = new CancellationTokenSource(TestLoop.Seconds(1), TestLoop.Current.Time);
            Task text = AfterAsync(3, "text", log, "a");
            Task number = AfterAsync(2, 42, log, "b");
            try
            {
                await AsyncIO.GatherAsync(new[] { text, number }, cts.Token);
                log.AddAt("not reached");
            }
            catch (OperationCanceledException e)
            {
                log.AddAt($"gather cancelled by caller={e.CancellationToken == cts.Token}");
            }

            await Task.WhenAll(text, number);
        });

        log.Entries.Should().Equal("gather cancelled by caller=True@1", "b done@2", "a done@3");
    }

    // Off a loop: the same rules, on the thread pool.
    [Fact]
    public async Task GatherAsync_OffTheLoop_ReturnsResultsInInputOrderAndThrowsTheFirstFailure()
    {
        EventLoop.Current.Should().BeNull();
        CancellationToken testToken = TestContext.Current.CancellationToken;
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var failure = new InvalidOperationException("boom");

        Task<int> first = Task.Run(async () => await release.Task + 1, testToken);
        Task<int> second = Task.Run(() => 2, testToken);
        Task<int[]> gather = AsyncIO.GatherAsync([first, second], testToken);
        gather.IsCompleted.Should().BeFalse();
        release.SetResult(0);
        (await gather.WaitAsync(TimeSpan.FromSeconds(30), testToken)).Should().Equal(1, 2);

        var never = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<int> failing = Task.Run(new Func<int>(() => throw failure), testToken);
        Func<Task> act = () => AsyncIO.GatherAsync([never.Task, failing], testToken).WaitAsync(TimeSpan.FromSeconds(30), testToken);
        (await act.Should().ThrowAsync<InvalidOperationException>()).Which.Should().BeSameAs(failure);
        never.SetResult(0);
    }

    // Off a loop there is no turn to wait for: tasks that are complete already are recorded at once, as Task.WhenAll counts
    // them, each with the outcome its await gives (on a loop the outcome comes one callback later: asyncio's done-callback).
    [Fact]
    public async Task OffALoop_TasksCompleteAlready_AreGatheredAtOnce_WithTheOutcomesTheirAwaitsGive()
    {
        EventLoop.Current.Should().BeNull();
        var failure = new InvalidOperationException("boom");
        Task<int> cancelled = Task.FromCanceled<int>(new CancellationToken(true));

        Task<int[]> values = AsyncIO.GatherAsync(Task.FromResult(1), Task.FromResult(2));
        values.IsCompletedSuccessfully.Should().BeTrue();
        (await values).Should().Equal(1, 2);

        Task<Outcome<int>[]> outcomes = AsyncIO.GatherAsync([Task.FromResult(3), Task.FromException<int>(failure), cancelled], returnExceptions: true, TestContext.Current.CancellationToken);
        outcomes.IsCompletedSuccessfully.Should().BeTrue();
        Outcome<int>[] read = await outcomes;
        read[0].Value.Should().Be(3);
        read[1].Exception.Should().BeSameAs(failure);
        read[2].IsCanceled.Should().BeTrue();

        Func<Task> firstFailure = () => AsyncIO.GatherAsync(Task.FromResult(4), Task.FromException<int>(failure));
        (await firstFailure.Should().ThrowAsync<InvalidOperationException>()).Which.Should().BeSameAs(failure);
    }
}
