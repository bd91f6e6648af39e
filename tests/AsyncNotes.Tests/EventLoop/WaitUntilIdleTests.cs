using AsyncNotes.Tests.Infrastructure;

namespace AsyncNotes.Tests.EventLoops;

public sealed class WaitUntilIdleTests
{
    [Fact]
    public void WaitUntilIdleAsync_ResumesAfterReadyWorkRuns_BeforeTheClockMoves()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            Task worker = AsyncIO.CreateTask(async ct =>
            {
                log.AddAt("worker started");
                await AsyncIO.SleepAsync(TimeSpan.Zero, ct);
                log.AddAt("worker yielded once");
                await AsyncIO.SleepAsync(TestLoop.Seconds(1), ct);
                log.AddAt("worker done");
            });

            await TestLoop.Current.WaitUntilIdleAsync();
            log.AddAt($"idle; worker completed={worker.IsCompleted}");
            await worker;
        });

        log.Entries.Should().Equal("worker started@0", "worker yielded once@0", "idle; worker completed=False@0", "worker done@1");
    }

    [Fact]
    public void WaitUntilIdleAsync_Cancelled_ThrowsOperationCanceledException()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        TestLoop.RunVirtual(async () =>
        {
            Func<Task> act = () => TestLoop.Current.WaitUntilIdleAsync(cts.Token);
            await act.Should().ThrowAsync<OperationCanceledException>();
        });
    }

    // A wait that is cancelled while the loop is still busy (a task that keeps yielding, so the loop never goes idle)
    // ends with OperationCanceledException at the cancel, and the waiter is dropped: it never completes later.
    [Fact]
    public void WaitUntilIdleAsync_CancelledWhileItWaits_ThrowsOperationCanceledExceptionAtTheCancel()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            using var cts = new CancellationTokenSource();
            bool stop = false;
            Task busy = AsyncIO.CreateTask(async ct =>
            {
                for (int turn = 1; !stop; turn++)
                {
                    if (turn == 3)
                    {
                        log.AddAt("cancelling at turn 3");
                        cts.CancelOnLoop();
                    }

                    await AsyncIO.SleepAsync(TimeSpan.Zero, ct);
                }
            });

            Task idle = TestLoop.Current.WaitUntilIdleAsync(cts.Token);
            try
            {
                await idle;
                log.AddAt("idle (not expected: the loop was never idle)");
            }
            catch (OperationCanceledException ex) when (ex.CancellationToken == cts.Token)
            {
                log.AddAt($"wait cancelled, busy done={busy.IsCompleted}");
            }

            stop = true;
            await busy;
            idle.IsCanceled.Should().BeTrue();
        });

        log.Entries.Should().Equal("cancelling at turn 3@0", "wait cancelled, busy done=False@0");
    }
}
