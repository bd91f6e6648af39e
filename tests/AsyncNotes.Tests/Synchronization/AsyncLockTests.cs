using AsyncNotes.Tests.Infrastructure;
using static AsyncNotes.Tests.Infrastructure.TestLoop;

namespace AsyncNotes.Tests.Synchronization;

// AsyncLock's rules (CASES section 8, LK). Trace 52 is in Conformance.
public sealed class AsyncLockTests
{
    // LK-01
    [Fact]
    public void WaitersGetTheLockInArrivalOrder_OnePerRelease_WokenByScheduling()
    {
        var acquired = new List<int>();
        RunVirtual(async () =>
        {
            var asyncLock = new AsyncLock();
            _ = await asyncLock.AcquireAsync();
            Task[] waiters = [.. Enumerable.Range(1, 3).Select(id => AsyncIO.CreateTask(async ct =>
            {
                _ = await asyncLock.AcquireAsync(ct);
                acquired.Add(id);
            }))];
            await AsyncIO.SleepAsync(TimeSpan.Zero);
            asyncLock.Release();
            acquired.Should().BeEmpty("the woken waiter runs later, never inside Release");
            await AsyncIO.SleepAsync(TimeSpan.Zero);
            acquired.Should().Equal(1);
            asyncLock.Release();
            await AsyncIO.SleepAsync(TimeSpan.Zero);
            acquired.Should().Equal(1, 2);
            asyncLock.Release();
            await Task.WhenAll(waiters);
        });

        acquired.Should().Equal(1, 2, 3);
    }

    // LK-02
    [Fact]
    public void CancelledAcquire_LeavesNoWaiterBehind()
    {
        RunVirtual(async () =>
        {
            var asyncLock = new AsyncLock();
            _ = await asyncLock.AcquireAsync();
            using var cancel = new CancellationTokenSource();
            Task<AsyncReleaser> waiter = asyncLock.AcquireAsync(cancel.Token);
            cancel.CancelOnLoop();
            await waiter.Awaiting(w => w).Should().ThrowAsync<OperationCanceledException>();
            asyncLock.Release();
            asyncLock.IsLocked.Should().BeFalse();
            Task<AsyncReleaser> again = asyncLock.AcquireAsync();
            again.IsCompletedSuccessfully.Should().BeTrue("taken at once: nobody is left in line");
        });
    }

    // LK-03
    [Fact]
    public void ReleaseInTheSameTurnAsTheNextWaiterIsCancelled_TheLockPassesToTheFollowingWaiter_ExactlyOneHolds()
    {
        int holders = 0;
        int maxHolders = 0;
        var got = new List<string>();
        RunVirtual(async () =>
        {
            var asyncLock = new AsyncLock();
            _ = await asyncLock.AcquireAsync();
            using var cancelB = new CancellationTokenSource();
            Task ContenderAsync(string name, CancellationToken token) => AsyncIO.CreateTask(
                async _ =>
                {
                    using (await asyncLock.AcquireAsync(token))
                    {
                        holders++;
                        maxHolders = Math.Max(maxHolders, holders);
                        got.Add(name);
                        await AsyncIO.SleepAsync(TimeSpan.Zero, CancellationToken.None);
                        holders--;
                    }
                },
                cancellationToken: CancellationToken.None);

            Task b = ContenderAsync("B", cancelB.Token);
            Task c = ContenderAsync("C", default);
            await AsyncIO.SleepAsync(TimeSpan.Zero);
            asyncLock.Release(); // wakes B ...
            cancelB.CancelOnLoop(); // ... which is cancelled before it runs
            await b.Awaiting(t => t).Should().ThrowAsync<OperationCanceledException>();
            await c;
            asyncLock.IsLocked.Should().BeFalse();
        });

        got.Should().Equal("C");
        maxHolders.Should().Be(1);
    }

    // LK-05
    [Fact]
    public void ReleasingAFreeLockThrows_AndAnyTaskMayRelease()
    {
        RunVirtual(async () =>
        {
            var asyncLock = new AsyncLock();
            Action release = asyncLock.Release;
            release.Should().Throw<InvalidOperationException>().WithMessage("Lock is not acquired.");
            _ = await asyncLock.AcquireAsync();
            asyncLock.IsLocked.Should().BeTrue();
            await AsyncIO.CreateTask(_ =>
            {
                asyncLock.Release(); // another task: the lock has no owner
                return Task.CompletedTask;
            });
            asyncLock.IsLocked.Should().BeFalse();
        });
    }
}
