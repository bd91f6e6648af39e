using AsyncNotes.Tests.Infrastructure;
using static AsyncNotes.Tests.Infrastructure.TestLoop;

namespace AsyncNotes.Tests.Future;

// The defects of issue "The loop's Future": each test failed on the hand-built waiters and passes on the Future.
public sealed class LoopFutureDefectTests
{
    // 1. A timer that is already due does not fire after Dispose() or Change() (asyncio's TimerHandle.cancel(), trace 31):
    // a timer armed first, due at t = 1, resets a token's CancelAfter and disposes a third timer, both also due at t = 1.
    [Fact]
    public void DueTimer_DisposedOrChangedByAnEarlierCallbackOfTheSameInstant_DoesNotFire()
    {
        var log = new EventLog();

        RunVirtual(async () =>
        {
            TimeProvider time = Current.Time;
            CancellationTokenSource? cts = null;
            ITimer? third = null;
            using ITimer first = time.CreateTimer(
                _ =>
                {
                    cts!.CancelAfter(Seconds(5));
                    third!.Dispose();
                },
                null,
                Seconds(1),
                Timeout.InfiniteTimeSpan);
            cts = new CancellationTokenSource(Seconds(1), time);
            cts.Token.Register(() => log.AddAt("token cancelled"));
            third = time.CreateTimer(_ => log.AddAt("disposed timer fired"), null, Seconds(1), Timeout.InfiniteTimeSpan);

            await AsyncIO.SleepAsync(Seconds(10));
            cts.Dispose();
        });

        log.Entries.Should().Equal("token cancelled@6");
    }

    // 2. A cancel that comes first wins over a completion in the same instant.
    [Fact]
    public void CancelArmedFirst_BeatsACompletionDueInTheSameInstant_Everywhere()
    {
        var outcomes = new EventLog();

        RunVirtual(async () =>
        {
            using var c1 = new CancellationTokenSource();
            using var c2 = new CancellationTokenSource();
            using var c3 = new CancellationTokenSource();
            using var c4 = new CancellationTokenSource();
            using ITimer canceller = Current.Time.CreateTimer(
                _ =>
                {
                    c1.Cancel();
                    c2.Cancel();
                    c3.Cancel();
                },
                null,
                Seconds(1),
                Timeout.InfiniteTimeSpan);

            Task sleep = AsyncIO.SleepAsync(Seconds(1), c1.Token);
            Task<int[]> gather = AsyncIO.GatherAsync([ct => AsyncIO.SleepAsync(Seconds(1), 1, ct)], cancellationToken: c2.Token);
            Task<int> waitFor = AsyncIO.WaitForAsync(ct => AsyncIO.SleepAsync(Seconds(1), 2, ct), Seconds(5), cancellationToken: c3.Token);

            var inner = new TaskCompletionSource<int>();
            Task<int> shield = AsyncIO.ShieldAsync(inner.Task, c4.Token);
            Current.SynchronizationContext.Post(
                _ =>
                {
                    c4.Cancel();
                    inner.SetResult(42);
                },
                null);

            foreach ((string name, Task task) in new[] { ("sleep", sleep), ("gather", (Task)gather), ("waitFor", waitFor), ("shield", shield) })
            {
                Exception? error = await Capture.ExceptionAsync(() => task);
                outcomes.Add($"{name}: {error?.GetType().Name ?? "returned"}");
            }
        });

        outcomes.Entries.Should().Equal(
            "sleep: TaskCanceledException",
            "gather: TaskCanceledException",
            "waitFor: TaskCanceledException",
            "shield: TaskCanceledException");
    }

    // 3. Wake-ups are scheduled, never run inline: the root of a chain of N tasks, each awaiting the previous one, queues a
    // bystander just before it returns (trace 04); the bystander runs before every awaiter, whatever N (it ran after 1, 100
    // and 13,921 awaiters when wake-ups ran inline).
    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(20_000)]
    public void AwaitChain_BystanderQueuedByTheRootAsItReturns_RunsBeforeAnyAwaiter(int length)
    {
        int awaitersBeforeBystander = -1;

        RunVirtual(async () =>
        {
            int resumed = 0;
            Task previous = AsyncIO.CreateTask(async ct =>
            {
                await AsyncIO.SleepAsync(Seconds(1), ct);
                SynchronizationContext.Current!.Post(_ => awaitersBeforeBystander = resumed, null);
            });
            for (int i = 0; i < length; i++)
            {
                Task awaited = previous;
                previous = AsyncIO.CreateTask(async _ =>
                {
                    await awaited;
                    resumed++;
                });
            }

            await previous;
        });

        awaitersBeforeBystander.Should().Be(0);
    }

    // 5. Any finite limit is honoured on any clock, also past the 49.7 days a system timer takes.
    [Fact]
    public void WaitForAsync_HotTaskWithASixtyDayLimit_TimesOutAtDaySixty()
    {
        TimeSpan at = RunVirtual(async () =>
        {
            Task<int> job = AsyncIO.SleepAsync(TimeSpan.FromDays(70), 1);
            Exception? error = await Capture.ExceptionAsync(() => AsyncIO.WaitForAsync(job, TimeSpan.FromDays(60)));
            error.Should().BeOfType<TimeoutException>();
            return Now;
        });

        at.Should().Be(TimeSpan.FromDays(60));
    }

    [Fact]
    public void StaggeredRace_SixtyDayHeadStart_StartsTheNextAttemptAtDaySixty()
    {
        var log = new EventLog();

        RunVirtual(async () =>
        {
            Func<CancellationToken, Task<int>>[] attempts =
            [
                async ct =>
                {
                    await AsyncIO.SleepAsync(TimeSpan.FromDays(100), ct);
                    return 0;
                },
                ct =>
                {
                    log.AddAt("second attempt starts");
                    return Task.FromResult(1);
                },
            ];
            StaggeredRaceResult<int> race = await AsyncIO.StaggeredRaceAsync(attempts, TimeSpan.FromDays(60));
            race.WinnerIndex.Should().Be(1);
        });

        log.Entries.Should().Equal($"second attempt starts@{TimeSpan.FromDays(60).TotalSeconds}");
    }

    // 7. Tracked work that waits on the loop does not freeze a virtual clock: after the patience, the clock moves on.
    [Fact]
    public void ToThreadAsync_WorkWaitingForALoopTaskAfterASleep_DoesNotHang()
    {
        // Patience is real time spent once here, before the clock may jump to the releaser's timer. It runs only once the
        // pool has started the work: on a starved pool (a full parallel test run), a work item still queued after the jump
        // once ran out of patience with no timer due, and was reported as a deadlock.
        var options = EventLoopOptions.Virtual with { OffLoopPatience = TimeSpan.FromMilliseconds(200) };

        TimeSpan at = AsyncIO.Run(
            async () =>
            {
                using var ready = new ManualResetEventSlim();
                Task releaser = AsyncIO.CreateTask(async ct =>
                {
                    await AsyncIO.SleepAsync(TimeSpan.FromMilliseconds(100), ct);
                    ready.Set();
                });
                bool released = await AsyncIO.ToThreadAsync(() => ready.Wait(TimeSpan.FromSeconds(30)));
                released.Should().BeTrue();
                await releaser;
                return EventLoop.Current!.Elapsed;
            },
            options);

        at.Should().Be(TimeSpan.FromMilliseconds(100));
    }

    // 8. Code of the loop's that runs on the thread pool holds a virtual clock while it runs: a ConfigureAwait(false)
    // continuation that takes real time (here, 50 ms of CPU work) is seen, and the clock does not jump to the one-hour timer.
    [Fact]
    public void ConfigureAwaitFalseContinuation_RunningOnThePool_HoldsTheVirtualClock()
    {
        var log = new EventLog();

        RunVirtual(async () =>
        {
            Task sleeper = AsyncIO.CreateTask(async ct =>
            {
                await AsyncIO.SleepAsync(TimeSpan.FromHours(1), ct);
                log.AddAt("hour passed");
            });
            using var running = new ManualResetEventSlim();
            Task offLoop = Task.Run(async () =>
            {
                await Task.Yield();
                running.Set();
                await Task.Yield();
                var busy = System.Diagnostics.Stopwatch.StartNew();
                while (busy.ElapsedMilliseconds < 50)
                {
                    Thread.SpinWait(100);
                }

                return 1;
            });
            await AsyncIO.ToThreadAsync(() => running.Wait(TimeSpan.FromSeconds(30)));
            await offLoop;
            log.AddAt("off-loop work back");
            await sleeper;
        });

        log.Entries.Should().Equal("off-loop work back@0", "hour passed@3600");
    }

    // 8. A timer on the system clock is not work in flight: nothing runs until it fires, so the loop cannot see it, and the
    // virtual clock jumps ahead of it (a by-design limit, in docs/design.md's table): the delay is still pending when the loop's clock reads 1 h.
    // Pass the loop's clock (second half) and the order is exact.
    [Fact]
    public void SystemClockDelayBesideAnHourLongSleep_IsNotSeen_TheLoopsClockIs()
    {
        // A system-clock delay of 30 s is still pending when the loop's clock has jumped a whole hour: the loop does not see
        // it. (Awaiting a short one instead raced the jump against the real timer: a GC pause on a loaded machine let the
        // timer win.)
        (TimeSpan At, bool DelayDone) systemClock = RunVirtual(async () =>
        {
            Task delay = Task.Delay(TimeSpan.FromSeconds(30), TimeProvider.System);
            await AsyncIO.SleepAsync(TimeSpan.FromHours(1));
            return (Now, delay.IsCompleted);
        });
        TimeSpan loopClock = RunVirtual(async () =>
        {
            Task hour = AsyncIO.SleepAsync(TimeSpan.FromHours(1));
            await Task.Delay(TimeSpan.FromMilliseconds(50), Current.Time);
            TimeSpan at = Now;
            await hour;
            return at;
        });

        systemClock.Should().Be((TimeSpan.FromHours(1), false));
        loopClock.Should().Be(TimeSpan.FromMilliseconds(50));
    }

    // 9. Off a loop, AsyncNotes' own awaits do not capture a foreign single-threaded context (a UI thread blocked on them).
    [Fact]
    public void GatherAndWaitFor_BlockedOnFromASingleThreadedContext_DoNotDeadlock()
    {
        var thread = new Thread(() =>
        {
            SynchronizationContext.SetSynchronizationContext(new BlockingContext());
#pragma warning disable VSTHRD002 // The point of the test: a UI-style thread that blocks on the result.
            int[] all = AsyncIO.GatherAsync([ct => Task.Run(() => 1, ct)]).Result;
            int one = AsyncIO.WaitForAsync(ct => Task.Run(() => 2, ct), Seconds(5)).Result;
#pragma warning restore VSTHRD002
            all.Should().Equal(1);
            one.Should().Be(2);
        });

        thread.Start();
        thread.Join(TimeSpan.FromSeconds(30)).Should().BeTrue("blocking on them from a foreign context must not deadlock");
    }

    // 10. Dispose() on a running loop is refused clearly.
    [Fact]
    public void Dispose_OnARunningLoop_IsRefused()
    {
        RunVirtual(async () =>
        {
            Action dispose = () => Current.Dispose();
            dispose.Should().Throw<InvalidOperationException>();
            await AsyncIO.SleepAsync(Seconds(1));
            Now.Should().Be(Seconds(1), "the loop still runs");
        });
    }

    // 11. Timers leave the heap at once: a million CancelAfter resets under a live timer keep two entries, not a million.
    [Fact]
    public void CancelAfter_ResetAMillionTimes_KeepsTheHeapBoundedByTheLiveTimers()
    {
        RunVirtual(async () =>
        {
            using var idle = new CancellationTokenSource(Seconds(30), Current.Time);
            using ITimer live = Current.Time.CreateTimer(_ => { }, null, Seconds(30), Timeout.InfiniteTimeSpan);
            for (int i = 0; i < 1_000_000; i++)
            {
                idle.CancelAfter(Seconds(30));
            }

            Current.PendingTimerCount.Should().Be(2);
            await AsyncIO.SleepAsync(TimeSpan.Zero);
        });
    }

    // 4. A failure nobody can see any more reaches the exception handler: shield a task, cancel the shield, fail the inner.
    [Fact]
    public void Shield_CancelledThenInnerFails_TheFailureReachesTheExceptionHandler()
    {
        var reported = new List<Exception>();
        var options = EventLoopOptions.Virtual with { ExceptionHandler = context => reported.Add(context.Exception) };

        AsyncIO.Run(
            async () =>
            {
                using var cts = new CancellationTokenSource();
                var inner = new TaskCompletionSource<int>();
                Task<int> shield = AsyncIO.ShieldAsync(inner.Task, cts.Token);
                cts.CancelOnLoop();
                (await Capture.ExceptionAsync(() => shield)).Should().BeAssignableTo<OperationCanceledException>();
                inner.SetException(new InvalidOperationException("inner failed"));
                await AsyncIO.SleepAsync(Seconds(1));
            },
            options);

        reported.Should().ContainSingle().Which.Message.Should().Be("inner failed");
    }

    /// <summary>A single-threaded context whose thread is blocked: anything posted to it never runs.</summary>
    private sealed class BlockingContext : SynchronizationContext
    {
        public override void Post(SendOrPostCallback d, object? state)
        {
            // The owning thread is blocked on .Result: a real UI context would queue this forever.
        }

        public override SynchronizationContext CreateCopy() => this;
    }
}
