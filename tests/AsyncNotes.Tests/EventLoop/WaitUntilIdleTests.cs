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
}
