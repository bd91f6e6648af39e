using AsyncNotes.Tests.Infrastructure;
using static AsyncNotes.Tests.Infrastructure.TestLoop;

namespace AsyncNotes.Tests.Synchronization;

// AsyncSemaphore's rules, each with its CASES id (section 7). Traces 47, 48 and 50 are in Conformance.
public sealed class AsyncSemaphoreTests
{
    // SE-01
    [Fact]
    public void NegativeValueIsRefused_ZeroIsLocked()
    {
        Action negative = () => _ = new AsyncSemaphore(-1);
        negative.Should().Throw<ArgumentOutOfRangeException>();
        new AsyncSemaphore(0).IsLocked.Should().BeTrue();
        new AsyncSemaphore(1).IsLocked.Should().BeFalse();
    }

    // SE-02
    [Fact]
    public void ReleaseWithWaiters_HandsThePermitOver_CountStaysZero()
    {
        RunVirtual(async () =>
        {
            var sem = new AsyncSemaphore(0);
            Task<AsyncReleaser> waiter = sem.AcquireAsync();
            sem.Release();
            sem.CurrentCount.Should().Be(0);
            sem.IsLocked.Should().BeTrue("the woken waiter owns the permit before it runs");
            _ = await waiter;
            sem.CurrentCount.Should().Be(0);
        });
    }

    // SE-03
    [Fact]
    public void CancelledWait_LeavesNoWaiterAndTakesNoPermit()
    {
        RunVirtual(async () =>
        {
            var sem = new AsyncSemaphore(0);
            using var cancel = new CancellationTokenSource();
            Task<AsyncReleaser> waiter = sem.AcquireAsync(cancel.Token);
            cancel.CancelOnLoop();
            await waiter.Awaiting(w => w).Should().ThrowAsync<OperationCanceledException>();
            sem.Release();
            sem.CurrentCount.Should().Be(1);
            sem.IsLocked.Should().BeFalse();
        });
    }

    // SE-04, SE-09
    [Fact]
    public void FirstWaiterCancelled_TwoReleasesWakeTheSecondAndThird_InArrivalOrder()
    {
        var order = new List<int>();
        RunVirtual(async () =>
        {
            var sem = new AsyncSemaphore(0);
            using var cancelFirst = new CancellationTokenSource();
            Task WaiterAsync(int id, CancellationToken token) => AsyncIO.CreateTask(
                async ct =>
                {
                    _ = await sem.AcquireAsync(token);
                    order.Add(id);
                },
                cancellationToken: CancellationToken.None);

            Task first = WaiterAsync(1, cancelFirst.Token);
            Task second = WaiterAsync(2, default);
            Task third = WaiterAsync(3, default);
            await AsyncIO.SleepAsync(TimeSpan.Zero);
            cancelFirst.CancelOnLoop();
            sem.Release();
            sem.Release();
            await Task.WhenAll(second, third);
            await first.Awaiting(t => t).Should().ThrowAsync<OperationCanceledException>();
            sem.CurrentCount.Should().Be(0, "each release woke exactly one waiter; none was lost");
        });

        order.Should().Equal(2, 3);
    }

    // Beyond the cases: asyncio's "a permit granted to a waiter that is then cancelled goes back".
    [Fact]
    public void WaiterCancelledAfterItWasHandedAPermit_GivesItBackToTheNextWaiter()
    {
        var log = new EventLog();
        RunVirtual(async () =>
        {
            var sem = new AsyncSemaphore(0);
            using var cancelFirst = new CancellationTokenSource();
            Task first = AsyncIO.CreateTask(async ct =>
            {
                _ = await sem.AcquireAsync(cancelFirst.Token);
                log.Add("first acquired (never)");
            });
            Task second = AsyncIO.CreateTask(async ct =>
            {
                _ = await sem.AcquireAsync(ct);
                log.Add("second acquired");
            });
            await AsyncIO.SleepAsync(TimeSpan.Zero);
            sem.Release(); // handed to first
            cancelFirst.CancelOnLoop(); // in the same step, before first runs
            await first.Awaiting(t => t).Should().ThrowAsync<OperationCanceledException>();
            await second;
            sem.CurrentCount.Should().Be(0);
        });

        log.Entries.Should().Equal("second acquired");
    }

    // SE-06
    [Fact]
    public void UsingReleasesOnEveryExitPath_IncludingExceptions()
    {
        RunVirtual(async () =>
        {
            var sem = new AsyncSemaphore(1, bounded: true);
            Func<Task> failing = async () =>
            {
                using (await sem.AcquireAsync())
                {
                    sem.IsLocked.Should().BeTrue();
                    throw new InvalidOperationException("inside");
                }
            };
            await failing.Should().ThrowAsync<InvalidOperationException>();
            sem.CurrentCount.Should().Be(1);

            await using (await sem.AcquireAsync())
            {
                sem.CurrentCount.Should().Be(0);
            }

            sem.CurrentCount.Should().Be(1);
            Action overRelease = sem.Release;
            overRelease.Should().Throw<SemaphoreFullException>();
        });
    }

    // SE-07
    [Fact]
    public void ThreeTasksAcquiringTwice_ProceedRoundRobin()
    {
        var order = new List<string>();
        RunVirtual(async () =>
        {
            var sem = new AsyncSemaphore(1);
            async Task WorkerAsync(string name, CancellationToken ct)
            {
                for (int round = 1; round <= 2; round++)
                {
                    using (await sem.AcquireAsync(ct))
                    {
                        order.Add($"{name}{round}");
                        await AsyncIO.SleepAsync(TimeSpan.Zero, ct);
                    }
                }
            }

            await AsyncIO.GatherAsync([AsyncIO.CreateTask(ct => WorkerAsync("a", ct)), AsyncIO.CreateTask(ct => WorkerAsync("b", ct)), AsyncIO.CreateTask(ct => WorkerAsync("c", ct))]);
        });

        order.Should().Equal("a1", "b1", "c1", "a2", "b2", "c2");
    }

    [Fact]
    public async Task AlreadyCancelledToken_ThrowsEvenWhenAPermitIsFree()
    {
        var sem = new AsyncSemaphore(1);
        Func<Task> act = () => sem.AcquireAsync(new CancellationToken(canceled: true));
        await act.Should().ThrowAsync<OperationCanceledException>();
        sem.CurrentCount.Should().Be(1);
    }
}
