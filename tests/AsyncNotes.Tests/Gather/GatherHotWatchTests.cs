using AsyncNotes.Tests.Infrastructure;
using FluentAssertions;
using Xunit;

namespace AsyncNotes.Tests.Gather;

/// <summary>Hot children are watched sixteen to an object, and a watch is not told which child completed: whatever completes
/// around a child (inside another child's completion, or on another thread), the gather sees each child where it completes,
/// so the first failure is the one that happened first, and is decided inside that child's completion.</summary>
public sealed class GatherHotWatchTests
{
    // Children [C, A, B] in one block. A continuation registered on A before the gather runs inside A's completion, ahead of
    // the gather's watch, and fails B, then C. B failed first: the gather fails with B, off a loop and on one.
    [Fact]
    public void GatherAsync_ChildrenFailedInsideAnotherChildsCompletion_FailsWithTheFirstToFail_OffALoop()
    {
        var (c, a, b) = (new TaskCompletionSource<int>(), new TaskCompletionSource<int>(), new TaskCompletionSource<int>());
        InsideCompletion.Of(a.Task, () =>
        {
            b.SetException(new InvalidOperationException("B"));
            c.SetException(new InvalidOperationException("C"));
        });
        Task<int[]> gather = AsyncIO.GatherAsync(c.Task, a.Task, b.Task);

        a.SetResult(1);

        gather.IsFaulted.Should().BeTrue();
        gather.Exception!.InnerException!.Message.Should().Be("B");
    }

    [Fact]
    public void GatherAsync_ChildrenFailedInsideAnotherChildsCompletion_FailsWithTheFirstToFail_OnALoop()
    {
        string? failure = null;

        AsyncIO.Run(
            async () =>
            {
                var (c, a, b) = (new TaskCompletionSource<int>(), new TaskCompletionSource<int>(), new TaskCompletionSource<int>());
                InsideCompletion.Of(a.Task, () =>
                {
                    b.SetException(new InvalidOperationException("B"));
                    c.SetException(new InvalidOperationException("C"));
                });
                Task<int[]> gather = AsyncIO.GatherAsync(c.Task, a.Task, b.Task);
                SynchronizationContext.Current!.Post(_ => a.SetResult(1), null);

                Func<Task> waiting = () => gather;
                failure = (await waiting.Should().ThrowAsync<InvalidOperationException>()).Which.Message;
            },
            EventLoopOptions.Virtual);

        failure.Should().Be("B");
    }

    // A child fails, then the caller's token is cancelled, both inside another child's completion: the failure came first and
    // wins, as a result that comes before a cancel always does.
    [Fact]
    public void GatherAsync_AChildFailsBeforeTheTokenIsCancelledInsideAnotherChildsCompletion_FailsWithTheChildsFailure()
    {
        Exception? outcome = null;

        AsyncIO.Run(
            async () =>
            {
                using var cts = new CancellationTokenSource();
                var (a, b) = (new TaskCompletionSource<int>(), new TaskCompletionSource<int>());
                InsideCompletion.Of(a.Task, () =>
                {
                    b.SetException(new InvalidOperationException("B"));
                    cts.Cancel();
                });
                Task<int[]> gather = AsyncIO.GatherAsync([a.Task, b.Task], cts.Token);
                SynchronizationContext.Current!.Post(_ => a.SetResult(1), null);

                Func<Task> waiting = () => gather;
                outcome = (await waiting.Should().ThrowAsync<Exception>()).Which;
            },
            EventLoopOptions.Virtual);

        outcome.Should().BeOfType<InvalidOperationException>().Which.Message.Should().Be("B");
    }

    // A completes on one thread and is held there (by a continuation registered before the gather) before the gather's watch
    // hears of it; B fails on this thread meanwhile. Off a loop nothing is scheduled: the gather fails inside B's SetException.
    [Fact]
    public async Task GatherAsync_AChildFailsWhileAnotherCompletedChildIsHeldOnItsThread_FailsInsideTheFailingSetException()
    {
        var (a, b) = (new TaskCompletionSource<int>(), new TaskCompletionSource<int>());
        using var aHeld = new ManualResetEventSlim();
        using var releaseA = new ManualResetEventSlim();
        InsideCompletion.Of(a.Task, () =>
        {
            aHeld.Set();
            releaseA.Wait(TestContext.Current.CancellationToken);
        });
        Task<int[]> gather = AsyncIO.GatherAsync(a.Task, b.Task);
        Task completingA = Task.Factory.StartNew(
            () => a.SetResult(1),
            TestContext.Current.CancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        aHeld.Wait(TestContext.Current.CancellationToken);

        bool decidedInsideSetException;
        try
        {
            b.SetException(new InvalidOperationException("B"));
            decidedInsideSetException = gather.IsFaulted;
        }
        finally
        {
            releaseA.Set();
        }

        await completingA;
        decidedInsideSetException.Should().BeTrue();
        gather.Exception!.InnerException!.Message.Should().Be("B");
    }

    // Forty children in three blocks, some complete before the gather (so blocks begin at pending children), the rest
    // completed on the loop in a shuffled order: every value in input order, and the gather ends one callback after the last.
    [Fact]
    public void GatherAsync_ManyBlocksOfMixedChildrenCompletedInAnyOrder_ReturnsEveryValueInInputOrder()
    {
        int[]? values = null;

        AsyncIO.Run(
            async () =>
            {
                var sources = Enumerable.Range(0, 40).Select(_ => new TaskCompletionSource<int>()).ToArray();
                foreach (int done in new[] { 0, 1, 5, 16, 17, 18, 39 })
                {
                    sources[done].SetResult(done);
                }

                Task<int[]> gather = AsyncIO.GatherAsync([.. sources.Select(source => source.Task)]);
                var random = new Random(3);
                foreach (int index in Enumerable.Range(0, 40).Where(i => !sources[i].Task.IsCompleted).OrderBy(_ => random.Next()))
                {
                    SynchronizationContext.Current!.Post(_ => sources[index].SetResult(index), null);
                }

                values = await gather;
            },
            EventLoopOptions.Virtual);

        values.Should().Equal(Enumerable.Range(0, 40));
    }
}
