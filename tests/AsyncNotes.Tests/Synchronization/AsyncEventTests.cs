using AsyncNotes.Tests.Infrastructure;
using static AsyncNotes.Tests.Infrastructure.TestLoop;

namespace AsyncNotes.Tests.Synchronization;

// AsyncEvent's rules (CASES section 8, EV). Trace 54 is in Conformance.
public sealed class AsyncEventTests
{
    // EV-01
    [Fact]
    public void ATaskWhoseWaitRunsAfterSet_FinishesFirst_TheEarlierWaitersFollowInOrder()
    {
        var order = new List<int>();
        RunVirtual(async () =>
        {
            var ev = new AsyncEvent();
            Task WaiterAsync(int id) => AsyncIO.CreateTask(async ct =>
            {
                _ = await ev.WaitAsync(ct);
                order.Add(id);
            });

            Task one = WaiterAsync(1);
            Task two = WaiterAsync(2);
            await AsyncIO.SleepAsync(TimeSpan.Zero);
            Task three = WaiterAsync(3);
            ev.Set();
            await Task.WhenAll(one, two, three);
        });

        order.Should().Equal(3, 1, 2);
    }

    // EV-02
    [Fact]
    public void CancelledWait_LeavesNoWaiter()
    {
        RunVirtual(async () =>
        {
            var ev = new AsyncEvent();
            using var cancel = new CancellationTokenSource();
            Task<bool> wait = ev.WaitAsync(cancel.Token);
            cancel.CancelOnLoop();
            await wait.Awaiting(w => w).Should().ThrowAsync<OperationCanceledException>();
            ev.Set();
            (await ev.WaitAsync()).Should().BeTrue();
            ev.Clear();
            ev.IsSet.Should().BeFalse();
        });
    }
}
