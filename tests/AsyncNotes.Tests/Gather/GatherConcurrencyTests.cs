using AsyncNotes.Tests.Infrastructure;

namespace AsyncNotes.Tests.Gather;

/// <summary>Off the loop, hot children finish on the thread pool, possibly at the same instant.</summary>
/// <remarks>A hot child that succeeds is counted without the gather's lock (only the last one decides); these runs race a
/// failure, or many successes, against that count. A build that counted a failure before deciding it hung in the first
/// test within 150 iterations in four runs of four (bounded here by <see cref="Hang"/>).</remarks>
public sealed class GatherConcurrencyTests
{
    private const int Iterations = 300;
    private const int Children = 32;

    /// <summary>A bound on a run that never ends (the failure these tests look for), in real time: not a synchronisation.</summary>
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);

    // Child 0 fails on one thread right after that thread's share of successes, and the other thread completes the last
    // child while child 0's continuation runs: the gather fails with the failure every time. It never decides success and
    // reads the failed child's value.
    [Fact]
    public async Task GatherAsync_OffTheLoop_AFailureRacingTheLastSuccesses_FailsWithTheFailure()
    {
        CancellationToken testToken = TestContext.Current.CancellationToken;
        for (int iteration = 0; iteration < Iterations; iteration++)
        {
            TaskCompletionSource<int>[] sources = NewSources();
            Task<int[]> gather = AsyncIO.GatherAsync(sources.Select(s => s.Task).ToArray());

            await ReleaseAtOnceAsync(sources, testToken);

            Func<Task> act = () => gather.WaitAsync(Hang, testToken);
            await act.Should().ThrowExactlyAsync<InvalidOperationException>($"iteration {iteration}").WithMessage("child failed");
        }
    }

    // The same race with return_exceptions: every outcome, in input order, every time.
    [Fact]
    public async Task GatherAsync_ReturnExceptions_OffTheLoop_AFailureRacingTheLastSuccesses_ReturnsEveryOutcome()
    {
        CancellationToken testToken = TestContext.Current.CancellationToken;
        for (int iteration = 0; iteration < Iterations; iteration++)
        {
            TaskCompletionSource<int>[] sources = NewSources();
            Task<Outcome<int>[]> gather = AsyncIO.GatherAsync(sources.Select(s => s.Task), returnExceptions: true, testToken);

            await ReleaseAtOnceAsync(sources, testToken);

            Outcome<int>[] outcomes = await gather.WaitAsync(Hang, testToken);
            outcomes[0].Exception.Should().BeOfType<InvalidOperationException>($"iteration {iteration}");
            outcomes.Skip(1).Select(o => o.Value).Should().Equal(Enumerable.Range(1, Children - 1), $"iteration {iteration}");
        }
    }

    // Every child succeeds, on two threads at once: the gather ends exactly once, with every value in input order.
    [Fact]
    public async Task GatherAsync_OffTheLoop_SuccessesOnTwoThreadsAtOnce_ReturnsEveryValueInOrder()
    {
        CancellationToken testToken = TestContext.Current.CancellationToken;
        for (int iteration = 0; iteration < Iterations; iteration++)
        {
            TaskCompletionSource<int>[] sources = NewSources();
            Task<int[]> gather = AsyncIO.GatherAsync(sources.Select(s => s.Task).ToArray());

            await ReleaseAtOnceAsync(sources, testToken, failFirst: false);

            (await gather.WaitAsync(Hang, testToken)).Should().Equal(Enumerable.Range(0, Children), $"iteration {iteration}");
        }
    }

    private static TaskCompletionSource<int>[] NewSources() =>
        Enumerable.Range(0, Children).Select(_ => new TaskCompletionSource<int>()).ToArray();

    /// <summary>Completes the sources from two dedicated threads that start together: one completes children 1 to 15 with
    /// their index, then child 0 (a failure, unless <paramref name="failFirst"/> is false); the other children 16 to 30, then
    /// waits to see child 0 complete and completes child 31, the last, while child 0's continuation runs.</summary>
    private static Task ReleaseAtOnceAsync(TaskCompletionSource<int>[] sources, CancellationToken cancellationToken, bool failFirst = true)
    {
        return Together.RunAsync(
            cancellationToken,
            () =>
            {
                for (int i = 1; i < Children / 2; i++)
                {
                    sources[i].SetResult(i);
                }

                if (failFirst)
                {
                    sources[0].SetException(new InvalidOperationException("child failed"));
                }
                else
                {
                    sources[0].SetResult(0);
                }
            },
            () =>
            {
                for (int i = Children / 2; i < Children - 1; i++)
                {
                    sources[i].SetResult(i);
                }

                // A task is complete before its continuations run: the last success lands while child 0's is running.
                SpinWait.SpinUntil(() => sources[0].Task.IsCompleted);
                sources[Children - 1].SetResult(Children - 1);
            });
    }
}
