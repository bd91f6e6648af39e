using System.Threading.Channels;
using AsyncNotes.Tests.Infrastructure;
using static AsyncNotes.Tests.Infrastructure.TestLoop;

namespace AsyncNotes.Tests.Future;

// The rows of docs/design.md's table "BCL APIs on a virtual loop": what stays exact on a virtual clock.
public sealed class BclOnTheLoopTests
{
    [Fact]
    public void ChannelWaitToReadAndTryRead_SeesEachItemAtItsInstant_TwentyRunsInARow()
    {
        for (int run = 0; run < 20; run++)
        {
            var log = new EventLog();
            RunVirtual(async () =>
            {
                var channel = Channel.CreateUnbounded<int>();
                Task writer = AsyncIO.CreateTask(async ct =>
                {
                    for (int i = 1; i <= 3; i++)
                    {
                        await AsyncIO.SleepAsync(Seconds(1), ct);
                        channel.Writer.TryWrite(i).Should().BeTrue();
                    }

                    channel.Writer.Complete();
                });

                while (await channel.Reader.WaitToReadAsync())
                {
                    while (channel.Reader.TryRead(out int item))
                    {
                        log.AddAt($"{item}");
                    }
                }

                await writer;
            });

            log.Entries.Should().Equal(["1@1", "2@2", "3@3"], $"run {run} must see each item at its instant");
        }
    }

    [Fact]
    public void SemaphoreSlimWaitAsync_AcquiresWhenTheHolderReleases()
    {
        TimeSpan acquiredAt = RunVirtual(async () =>
        {
            using var gate = new SemaphoreSlim(1, 1);
            await gate.WaitAsync();
            Task holder = AsyncIO.CreateTask(async ct =>
            {
                await AsyncIO.SleepAsync(Seconds(1), ct);
                gate.Release();
            });
            await gate.WaitAsync();
            await holder;
            return Now;
        });

        acquiredAt.Should().Be(Seconds(1));
    }

    [Fact]
    public void TaskDelayOnTheLoopsClock_AndWhenAll_EndAtExactInstants()
    {
        TimeSpan end = RunVirtual(async () =>
        {
            TimeProvider time = Current.Time;
            await Task.WhenAll(Task.Delay(Seconds(1), time), Task.Delay(Seconds(3), time), AsyncIO.SleepAsync(Seconds(2)));
            return Now;
        });

        end.Should().Be(Seconds(3));
    }

    [Fact]
    public void ParallelForEachAsync_BodiesRunOffTheLoop()
    {
        string[] onLoop = RunVirtual(async () =>
        {
            EventLoop mine = Current;
            int loopThread = Environment.CurrentManagedThreadId;
            var seen = new string[4];
            await Parallel.ForEachAsync(Enumerable.Range(0, 4), (i, ct) =>
            {
                seen[i] = EventLoop.Current is null ? "off" : $"on {(EventLoop.Current == mine ? "this" : "another")} loop, thread {Environment.CurrentManagedThreadId} (loop's {loopThread}), pool={Thread.CurrentThread.IsThreadPoolThread}, {new System.Diagnostics.StackTrace()}";
                return ValueTask.CompletedTask;
            });
            return seen;
        });

        onLoop.Should().AllBeEquivalentTo("off");
    }
}
