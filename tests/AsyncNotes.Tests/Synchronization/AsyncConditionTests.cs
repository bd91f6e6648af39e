using AsyncNotes.Tests.Infrastructure;
using static AsyncNotes.Tests.Infrastructure.TestLoop;

namespace AsyncNotes.Tests.Synchronization;

// AsyncCondition's rules (CASES section 8, CD). Traces 55 and 57 are in Conformance.
public sealed class AsyncConditionTests
{
    // CD-03
    [Fact]
    public void CancelledAfterNotify_WhileReacquiring_EndsCancelledHoldingTheLock_AndPassesTheNotificationOn()
    {
        var log = new EventLog();
        RunVirtual(async () =>
        {
            var cond = new AsyncCondition();
            using var cancelA = new CancellationTokenSource();
            Task WaiterAsync(string name, CancellationToken token) => AsyncIO.CreateTask(
                async _ =>
                {
                using (await cond.AcquireAsync(CancellationToken.None))
                {
                    try
                    {
                        await cond.WaitAsync(token);
                        log.AddAt($"{name} notified, locked={cond.IsLocked}");
                    }
                    catch (OperationCanceledException)
                    {
                        log.AddAt($"{name} cancelled, locked={cond.IsLocked}");
                        throw;
                    }
                }
                },
                cancellationToken: CancellationToken.None);

            Task a = WaiterAsync("A", cancelA.Token);
            Task b = WaiterAsync("B", default);
            await AsyncIO.SleepAsync(Seconds(1));
            using (await cond.AcquireAsync())
            {
                cond.Notify(1); // A
                cancelA.CancelOnLoop(); // A is cancelled after it was notified, before it re-acquired
                await AsyncIO.SleepAsync(Seconds(1));
            }

            await a.Awaiting(t => t).Should().ThrowAsync<OperationCanceledException>();
            await b;
        });

        log.Entries.Should().Equal("A cancelled, locked=True@2", "B notified, locked=True@2");
    }

    // CD-04
    [Fact]
    public void WaitAndNotifyWithoutTheLock_Throw_AndAConditionOverALockSharesIt()
    {
        RunVirtual(async () =>
        {
            var cond = new AsyncCondition();
            Func<Task> wait = () => cond.WaitAsync();
            await wait.Should().ThrowAsync<InvalidOperationException>().WithMessage("cannot wait on un-acquired lock");
            Action notify = () => cond.Notify();
            notify.Should().Throw<InvalidOperationException>();
            Action notifyAll = cond.NotifyAll;
            notifyAll.Should().Throw<InvalidOperationException>();

            var shared = new AsyncLock();
            var over = new AsyncCondition(shared);
            _ = await shared.AcquireAsync();
            over.IsLocked.Should().BeTrue();
            over.Lock.Should().BeSameAs(shared);
            over.Notify(); // allowed: the shared lock is held
            shared.Release();
            over.IsLocked.Should().BeFalse();
        });
    }

    // CD-05
    [Fact]
    public void WaitFor_RetestsThePredicateOnEveryWakeUp_AndATruePredicateNeedsNoLock()
    {
        int tests = 0;
        RunVirtual(async () =>
        {
            var cond = new AsyncCondition();
            (await cond.WaitForAsync(() => true)).Should().BeTrue("already true: no lock needed");
            Func<Task> unlocked = () => cond.WaitForAsync(() => false);
            await unlocked.Should().ThrowAsync<InvalidOperationException>();

            int value = 0;
            Task waiter = AsyncIO.CreateTask(async ct =>
            {
                using (await cond.AcquireAsync(ct))
                {
                    _ = await cond.WaitForAsync(
                        () =>
                        {
                            tests++;
                            return value == 2;
                        },
                        ct);
                }
            });
            for (int i = 1; i <= 2; i++)
            {
                await AsyncIO.SleepAsync(Seconds(1));
                using (await cond.AcquireAsync())
                {
                    value = i;
                    cond.NotifyAll();
                }
            }

            await waiter;
        });

        tests.Should().Be(3, "once at first, then after each of the two notifications");
    }

    // CD-06
    [Fact]
    public void NotifyN_WakesAtMostNInOrder_AnOversizedNWakesTheRest()
    {
        var woken = new List<int>();
        RunVirtual(async () =>
        {
            var cond = new AsyncCondition();
            Task[] waiters = [.. Enumerable.Range(1, 3).Select(id => AsyncIO.CreateTask(async ct =>
            {
                using (await cond.AcquireAsync(ct))
                {
                    _ = await cond.WaitAsync(ct);
                    woken.Add(id);
                }
            }))];
            await AsyncIO.SleepAsync(Seconds(1));
            using (await cond.AcquireAsync())
            {
                cond.Notify(1);
            }

            await AsyncIO.SleepAsync(Seconds(1));
            woken.Should().Equal(1);
            using (await cond.AcquireAsync())
            {
                cond.Notify(10);
            }

            await Task.WhenAll(waiters);
        });

        woken.Should().Equal(1, 2, 3);
    }

    // CD-07
    [Fact]
    public void WaitTimedOutInsideTheBlock_ThrowsTimeout_AndTheBlockStillReleasesCleanly()
    {
        RunVirtual(async () =>
        {
            var cond = new AsyncCondition();
            Func<Task> act = async () =>
            {
                using (await cond.AcquireAsync())
                {
                    _ = await AsyncIO.WaitForAsync(ct => cond.WaitAsync(ct), Seconds(1));
                }
            };

            await act.Should().ThrowAsync<TimeoutException>();
            cond.IsLocked.Should().BeFalse();
            Now.Should().Be(Seconds(1));
        });
    }
}
