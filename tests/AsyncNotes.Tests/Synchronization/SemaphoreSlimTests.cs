namespace AsyncNotes.Tests.Synchronization;

// The BCL path first: SemaphoreSlim with the AcquireAsync extension, and what SemaphoreSlim does where asyncio's Semaphore
// has rules (found by test on .NET 10, and written down in the README's section table and AsyncSemaphore's docs).
public sealed class SemaphoreSlimTests
{
    private static CancellationToken TestToken => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AcquireAsync_ReleasesOnEveryExitPath_AndACancelledWaitTakesNothing()
    {
        using var sem = new SemaphoreSlim(1, 1);
        Func<Task> failing = async () =>
        {
            using (await sem.AcquireAsync(TestToken))
            {
                sem.CurrentCount.Should().Be(0);
                throw new InvalidOperationException("inside");
            }
        };
        await failing.Should().ThrowAsync<InvalidOperationException>();
        sem.CurrentCount.Should().Be(1);

        using (await sem.AcquireAsync(TestToken))
        {
            using var cancel = new CancellationTokenSource();
            Task<AsyncReleaser> waiting = sem.AcquireAsync(cancel.Token);
            await cancel.CancelAsync();
            await waiting.Awaiting(w => w).Should().ThrowAsync<OperationCanceledException>();
        }

        sem.CurrentCount.Should().Be(1, "the cancelled wait took no permit, so it released none");
    }

    // SE-06: SemaphoreSlim(n, n) is BoundedSemaphore(n); SemaphoreSlim(n) is Semaphore(n).
    [Fact]
    public void BoundedSemaphoreIsSemaphoreSlimWithAMaximum()
    {
        using var bounded = new SemaphoreSlim(1, 1);
        Action overRelease = () => bounded.Release();
        overRelease.Should().Throw<SemaphoreFullException>();

        using var plain = new SemaphoreSlim(1);
        plain.Release();
        plain.CurrentCount.Should().Be(2);
    }

    // Finding 1: asynchronous waiters are served first come, first served, and a release hands the permit straight to the
    // oldest one (the count stays 0, so a newcomer cannot barge in). Not documented by the BCL, but what .NET 10 does.
    [Fact]
    public void Finding_AsyncWaitersAreServedInArrivalOrder_AndAReleaseHandsThePermitOver()
    {
        // Without a token (CancellationToken.None), WaitAsync returns the waiter's own task, completed inside Release.
        using var sem = new SemaphoreSlim(0);
        Task first = sem.WaitAsync(CancellationToken.None);
        Task second = sem.WaitAsync(CancellationToken.None);
        Task third = sem.WaitAsync(CancellationToken.None);

        sem.Release();
        new[] { first.IsCompleted, second.IsCompleted, third.IsCompleted }.Should().Equal(true, false, false);
        sem.CurrentCount.Should().Be(0);
        sem.Wait(0, TestToken).Should().BeFalse("the permit went to the oldest waiter: no barging");

        sem.Release();
        new[] { second.IsCompleted, third.IsCompleted }.Should().Equal(true, false);
        sem.Release();
        third.IsCompleted.Should().BeTrue();
    }

    // Finding 2: a waiter whose token is cancelled just after a release handed it the permit keeps the permit and completes
    // successfully; asyncio's Semaphore gives such a permit back and raises CancelledError (AsyncSemaphore does the same).
    [Fact]
    public async Task Finding_AWaiterCancelledJustAsItIsGranted_KeepsThePermit()
    {
        using var sem = new SemaphoreSlim(0);
        using var cancel = new CancellationTokenSource();
        Task<bool> waiting = sem.WaitAsync(Timeout.Infinite, cancel.Token);
        sem.Release();
        await cancel.CancelAsync();

        (await waiting.WaitAsync(TimeSpan.FromSeconds(30), TestToken)).Should().BeTrue();
        sem.CurrentCount.Should().Be(0, "the cancelled waiter holds the permit");
    }
}
