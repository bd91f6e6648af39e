using AsyncNotes.Tests.Infrastructure;

namespace AsyncNotes.Tests.Gather;

/// <summary>On which turn a gather over hot tasks resumes its caller: asyncio's done-callback records a child one callback
/// after the child finishes, and the outer future's result schedules the caller one callback later still.</summary>
/// <remarks>The expected logs are what CPython 3.11's loop printed for this program (a bystander task counts the turns):
/// <code>
/// async def child(log): await asyncio.sleep(0); log.append("child done"); return 1
/// async def bystander(log, n):
///     for i in range(n): log.append(f"bystander {i}"); await asyncio.sleep(0)
/// c = asyncio.create_task(child(log)); b = asyncio.create_task(bystander(log, 5))
/// r = await asyncio.gather(c); log.append(f"gather returned {r}")
/// </code></remarks>
public sealed class GatherTurnTests
{
    [Fact]
    public void OverALoopTask_ResumesTheCaller_TwoCallbacksAfterTheChildFinished()
    {
        var log = new List<string>();
        TestLoop.RunVirtual(async () =>
        {
            Task<int> child = AsyncIO.CreateTask(async ct =>
            {
                await AsyncIO.SleepAsync(TimeSpan.Zero, ct);
                log.Add("child done");
                return 1;
            });
            Task bystander = AsyncIO.CreateTask(ct => BystanderAsync(log, 5, ct));
            int[] result = await AsyncIO.GatherAsync(child);
            log.Add($"gather returned [{string.Join(", ", result)}]");
            await bystander;
        });

        log.Should().Equal("bystander 0", "child done", "bystander 1", "bystander 2", "gather returned [1]", "bystander 3", "bystander 4");
    }

    [Fact]
    public void OverATaskAlreadyDone_ResumesTheCaller_TwoCallbacksLater()
    {
        // asyncio: add_done_callback on a done future schedules the callback at once (call_soon); it sets the result, which
        // schedules the caller.
        var log = new List<string>();
        TestLoop.RunVirtual(async () =>
        {
            Task<int> done = Task.FromResult(7);
            Task bystander = AsyncIO.CreateTask(ct => BystanderAsync(log, 4, ct));
            await AsyncIO.SleepAsync(TimeSpan.Zero);
            int[] result = await AsyncIO.GatherAsync(done);
            log.Add($"gather returned [{string.Join(", ", result)}]");
            await bystander;
        });

        log.Should().Equal("bystander 0", "bystander 1", "bystander 2", "gather returned [7]", "bystander 3");
    }

    [Fact]
    public void TaskWhenAll_OverTheSameLoopTask_ResumesOneCallbackEarlier()
    {
        // By design: the BCL's aggregate completes inside the last child's own completion (no done-callback), so only the
        // caller's wake-up is scheduled. GatherAsync keeps asyncio's extra callback (the test above).
        var log = new List<string>();
        TestLoop.RunVirtual(async () =>
        {
            Task<int> child = AsyncIO.CreateTask(async ct =>
            {
                await AsyncIO.SleepAsync(TimeSpan.Zero, ct);
                log.Add("child done");
                return 1;
            });
            Task bystander = AsyncIO.CreateTask(ct => BystanderAsync(log, 5, ct));
            int[] result = await Task.WhenAll(child);
            log.Add($"WhenAll returned [{string.Join(", ", result)}]");
            await bystander;
        });

        log.Should().Equal("bystander 0", "child done", "bystander 1", "WhenAll returned [1]", "bystander 2", "bystander 3", "bystander 4");
    }

    private static async Task BystanderAsync(List<string> log, int turns, CancellationToken cancellationToken)
    {
        for (int i = 0; i < turns; i++)
        {
            log.Add($"bystander {i}");
            await AsyncIO.SleepAsync(TimeSpan.Zero, cancellationToken);
        }
    }
}
