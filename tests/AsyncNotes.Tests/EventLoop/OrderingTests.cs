using AsyncNotes.Tests.Infrastructure;

namespace AsyncNotes.Tests.EventLoops;

public sealed class OrderingTests
{
    // RN-08: ready callbacks run strictly in the order they were posted, also when posted from the loop thread itself.
    [Fact]
    public void Post_ReadyCallbacks_RunFirstInFirstOut()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            SynchronizationContext context = SynchronizationContext.Current!;
            foreach (string name in new[] { "a", "b", "c", "d" })
            {
                context.Post(_ => log.Add(name), null);
            }

            await AsyncIO.SleepAsync(TimeSpan.Zero);
            log.Add("main");
        });

        log.Entries.Should().Equal("a", "b", "c", "d", "main");
    }

    [Fact]
    public void Post_FromAnotherThread_RunsOnTheLoopThread()
    {
        (int Loop, int Callback) threads = AsyncIO.Run(async () =>
        {
            SynchronizationContext context = SynchronizationContext.Current!;
            var ran = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            await Task.Run(() => context.Post(_ => ran.SetResult(Environment.CurrentManagedThreadId), null));
            return (Environment.CurrentManagedThreadId, await ran.Task);
        });

        threads.Callback.Should().Be(threads.Loop);
    }

    [Fact]
    public void Await_WorkOnTheThreadPool_ContinuationComesBackToTheLoopThread()
    {
        (int Before, int Worker, int After) threads = AsyncIO.Run(async () =>
        {
            int before = Environment.CurrentManagedThreadId;
            int worker = await Task.Run(() => Environment.CurrentManagedThreadId);
            return (before, worker, Environment.CurrentManagedThreadId);
        });

        threads.After.Should().Be(threads.Before);
        threads.Worker.Should().NotBe(threads.Before);
    }

    [Fact]
    public void Interleaving_ThreeTasksThatYield_AlternateRoundRobin()
    {
        var log = new EventLog();

        TestLoop.RunVirtual(async () =>
        {
            Task[] tasks = [.. new[] { "a", "b", "c" }.Select(name => AsyncIO.CreateTask(async ct =>
            {
                for (int step = 1; step <= 3; step++)
                {
                    log.Add($"{name}{step}");
                    await AsyncIO.SleepAsync(TimeSpan.Zero, ct);
                }
            }))];
            await Task.WhenAll(tasks);
        });

        log.Entries.Should().Equal("a1", "b1", "c1", "a2", "b2", "c2", "a3", "b3", "c3");
    }

    [Fact]
    public void Interleaving_RepeatedTwoHundredTimes_IsTheSameEveryRun()
    {
        static IReadOnlyList<string> RunOnce()
        {
            var log = new EventLog();
            TestLoop.RunVirtual(async () =>
            {
                Task[] tasks = [.. Enumerable.Range(0, 5).Select(i => AsyncIO.CreateTask(async ct =>
                {
                    for (int step = 0; step < 4; step++)
                    {
                        log.AddAt($"t{i}.{step}");
                        await AsyncIO.SleepAsync(TimeSpan.FromMilliseconds((i * 7 + step * 3) % 5), ct);
                    }
                }))];
                await Task.WhenAll(tasks);
            });
            return log.Entries;
        }

        IReadOnlyList<string> first = RunOnce();
        first.Should().HaveCount(20);

        for (int run = 1; run < 200; run++)
        {
            RunOnce().Should().Equal(first, $"run {run} must interleave exactly like run 0");
        }
    }
}
