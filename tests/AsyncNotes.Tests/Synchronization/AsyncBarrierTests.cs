using AsyncNotes.Tests.Infrastructure;
using static AsyncNotes.Tests.Infrastructure.TestLoop;

namespace AsyncNotes.Tests.Synchronization;

// AsyncBarrier's rules (CASES section 8, BR). Trace 58 is in Conformance.
public sealed class AsyncBarrierTests
{
    // BR-01
    [Fact]
    public void PartiesBelowOne_AreRefused()
    {
        Action zero = () => _ = new AsyncBarrier(0);
        zero.Should().Throw<ArgumentOutOfRangeException>();
    }

    // BR-02
    [Fact]
    public void OneParty_PassesAtOnceEveryTime_WithIndexZero()
    {
        RunVirtual(async () =>
        {
            var barrier = new AsyncBarrier(1);
            (await barrier.WaitAsync()).Should().Be(0);
            (await barrier.WaitAsync()).Should().Be(0);
            barrier.IsBroken.Should().BeFalse();
            barrier.WaitingCount.Should().Be(0);
        });
    }

    [Fact]
    public void NParties_EachGetsADistinctIndex_OverSeveralCycles()
    {
        var indices = new List<int>();
        RunVirtual(async () =>
        {
            var barrier = new AsyncBarrier(3);
            async Task PartyAsync(CancellationToken ct)
            {
                for (int round = 0; round < 3; round++)
                {
                    int index = await barrier.WaitAsync(ct);
                    lock (indices)
                    {
                        indices.Add(index);
                    }
                }
            }

            await AsyncIO.GatherAsync([AsyncIO.CreateTask(PartyAsync), AsyncIO.CreateTask(PartyAsync), AsyncIO.CreateTask(PartyAsync)]);
        });

        indices.Should().HaveCount(9);
        indices.Chunk(3).Should().AllSatisfy(round => round.Order().Should().Equal(0, 1, 2));
    }

    // BR-05
    [Fact]
    public void ResetWhilePartiesWait_TheyThrowBrokenBarrier_ThenAFullCycleWorks()
    {
        RunVirtual(async () =>
        {
            var barrier = new AsyncBarrier(3);
            Task<int> a = AsyncIO.CreateTask(ct => barrier.WaitAsync(ct));
            Task<int> b = AsyncIO.CreateTask(ct => barrier.WaitAsync(ct));
            await AsyncIO.SleepAsync(Seconds(1));
            barrier.WaitingCount.Should().Be(2);
            await barrier.ResetAsync();
            await a.Awaiting(t => t).Should().ThrowAsync<BrokenBarrierException>();
            await b.Awaiting(t => t).Should().ThrowAsync<BrokenBarrierException>();
            barrier.IsBroken.Should().BeFalse();

            int[] indices = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => AsyncIO.CreateTask(ct => barrier.WaitAsync(ct))));
            indices.Order().Should().Equal(0, 1, 2);
        });
    }

    // BR-06
    [Fact]
    public void Abort_BreaksTheBarrierForWaitersAndLaterArrivals_UntilReset()
    {
        RunVirtual(async () =>
        {
            var barrier = new AsyncBarrier(2);
            Task<int> waiting = AsyncIO.CreateTask(ct => barrier.WaitAsync(ct));
            await AsyncIO.SleepAsync(Seconds(1));
            await barrier.AbortAsync();
            await waiting.Awaiting(t => t).Should().ThrowAsync<BrokenBarrierException>();
            barrier.IsBroken.Should().BeTrue();
            Func<Task> later = () => barrier.WaitAsync();
            await later.Should().ThrowAsync<BrokenBarrierException>();
            await barrier.ResetAsync();
            barrier.IsBroken.Should().BeFalse();
            int[] indices = await Task.WhenAll(AsyncIO.CreateTask(ct => barrier.WaitAsync(ct)), AsyncIO.CreateTask(ct => barrier.WaitAsync(ct)));
            indices.Order().Should().Equal(0, 1);
        });
    }

    [Fact]
    public void ACancelledParty_LeavesTheCountAsItWas()
    {
        RunVirtual(async () =>
        {
            var barrier = new AsyncBarrier(2);
            using var cancel = new CancellationTokenSource();
            Task<int> leaving = AsyncIO.CreateTask(_ => barrier.WaitAsync(cancel.Token));
            await AsyncIO.SleepAsync(Seconds(1));
            barrier.WaitingCount.Should().Be(1);
            cancel.CancelOnLoop();
            await leaving.Awaiting(t => t).Should().ThrowAsync<OperationCanceledException>();
            barrier.WaitingCount.Should().Be(0);
            int[] indices = await Task.WhenAll(AsyncIO.CreateTask(ct => barrier.WaitAsync(ct)), AsyncIO.CreateTask(ct => barrier.WaitAsync(ct)));
            indices.Order().Should().Equal(0, 1);
        });
    }
}
