using AsyncNotes.Tests.Infrastructure;
using static AsyncNotes.Tests.Infrastructure.TestLoop;

namespace AsyncNotes.Tests.EventLoops;

// asyncio's current_task(), all_tasks() and 3.14's call graph, on the loop.
public sealed class IntrospectionTests
{
    [Fact]
    public void CurrentTask_IsTheTaskWhoseCodeRuns_WithItsNameAndStarter_InEveryContinuation()
    {
        var seen = new List<string>();
        RunVirtual(async () =>
        {
            seen.Add($"{AsyncIO.CurrentTask!.Name} started by {AsyncIO.CurrentTask.StartedBy?.Name ?? "nobody"}");
            Task worker = AsyncIO.CreateTask(async ct =>
            {
                seen.Add($"{AsyncIO.CurrentTask!.Name} started by {AsyncIO.CurrentTask.StartedBy!.Name}");
                await AsyncIO.SleepAsync(Seconds(1), ct);
                seen.Add($"after a sleep, still {AsyncIO.CurrentTask!.Name}");
            }, name: "worker");
            await TaskGroup.RunAsync(tg =>
            {
                _ = tg.CreateTask(async ct =>
                {
                    await AsyncIO.SleepAsync(Seconds(2), ct);
                    seen.Add($"{AsyncIO.CurrentTask!.Name} started by {AsyncIO.CurrentTask.StartedBy!.Name}");
                    return 0;
                }, name: "child");
                return Task.CompletedTask;
            });
            await worker;
            seen.Add($"back in {AsyncIO.CurrentTask!.Name}");
            string fromThread = await AsyncIO.ToThreadAsync(() => AsyncIO.CurrentTask?.Name ?? "no task");
            seen.Add($"a worker thread sees {fromThread}");
        });

        seen.Should().Equal(
            "main started by nobody",
            "worker started by main",
            "after a sleep, still worker",
            "child started by main",
            "back in main",
            "a worker thread sees no task");
        AsyncIO.CurrentTask.Should().BeNull("off a loop there is no current task");
    }

    [Fact]
    public void AllTasks_ListsThePendingTasksInTheOrderTheyStarted_AndNotTheFinishedOnes()
    {
        var snapshots = new List<string>();
        RunVirtual(async () =>
        {
            Task quick = AsyncIO.CreateTask(ct => AsyncIO.SleepAsync(Seconds(1), ct), name: "quick");
            Task slow = AsyncIO.CreateTask(ct => AsyncIO.SleepAsync(Seconds(3), ct), name: "slow");
            Task unnamed = AsyncIO.CreateTask(ct => AsyncIO.SleepAsync(Seconds(2), ct));
            snapshots.Add(string.Join(", ", AsyncIO.AllTasks().Select(t => t.Name)));
            await quick;
            snapshots.Add(string.Join(", ", AsyncIO.AllTasks().Select(t => t.Name)));
            await Task.WhenAll(slow, unnamed);
            snapshots.Add(string.Join(", ", AsyncIO.AllTasks().Select(t => t.ToString())));
        });

        snapshots.Should().Equal("main, quick, slow, Task-2", "main, slow, Task-2", "main (pending)");
        FluentActions.Invoking(AsyncIO.AllTasks).Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void FormatCallGraph_DrawsEachTaskUnderItsStarter_TheRunningOneMarked()
    {
        string graph = RunVirtual(async () =>
        {
            var release = new AsyncEvent();
            string drawn = "";
            await TaskGroup.RunAsync(tg =>
            {
                _ = tg.CreateTask(async ct =>
                {
                    _ = tg.CreateTask(async ct2 => await release.WaitAsync(ct2), name: "fetch page 1", CancellationToken.None);
                    _ = tg.CreateTask(async ct2 => await release.WaitAsync(ct2), name: "fetch page 2", CancellationToken.None);
                    return await release.WaitAsync(ct);
                }, name: "crawler");
                _ = tg.CreateTask(async ct =>
                {
                    await AsyncIO.SleepAsync(Seconds(1), ct);
                    drawn = AsyncIO.FormatCallGraph();
                    release.Set();
                    return true;
                }, name: "reporter");
                return Task.CompletedTask;
            });
            return drawn;
        });

        graph.Should().Be(
            """
            main
            ├── crawler
            │   ├── fetch page 1
            │   └── fetch page 2
            └── reporter (running)
            """.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void AChainOfTasks_EachStartingTheNext_DoesNotKeepTheFinishedOnesAlive()
    {
        var finished = new List<WeakReference<Task>>();
        int depth = RunVirtual(async () =>
        {
            var done = new AsyncEvent();
            Task StepAsync(int n) => AsyncIO.CreateTask(async ct =>
            {
                if (n == 50)
                {
                    _ = await done.WaitAsync(ct);
                    return;
                }

                await AsyncIO.SleepAsync(TimeSpan.Zero, ct);
                _ = StepAsync(n + 1);
            });

            _ = StepAsync(0);
            while (AsyncIO.AllTasks().Count < 2 || AsyncIO.AllTasks()[^1].Name != "Task-52")
            {
                await AsyncIO.SleepAsync(TimeSpan.Zero);
            }

            LoopTask last = AsyncIO.AllTasks()[^1];
            int chain = 0;
            for (LoopTask? t = last; t is not null; t = t.StartedBy)
            {
                chain++;
            }

            done.Set();
            return chain;
        });

        depth.Should().BeLessThanOrEqualTo(2, "a pending task holds its starter, and a finished starter holds nothing");
    }

    [Fact]
    public void ATaskGroupChild_CreatedFromAnotherThread_IsKnownToTheLoopFromItsFirstStep()
    {
        int missed = 0;
        for (int round = 0; round < 200; round++)
        {
            missed += RunVirtual(() => TaskGroup.RunAsync(async tg =>
            {
                // A task that keeps the loop turning, so the child's first step runs as soon as it is queued.
                bool childRan = false;
                Task spinner = AsyncIO.CreateTask(async ct =>
                {
                    while (!Volatile.Read(ref childRan))
                    {
                        await AsyncIO.SleepAsync(TimeSpan.Zero, ct);
                    }
                });
                Task<bool> child = await AsyncIO.ToThreadAsync(() => tg.CreateTask(_ =>
                {
                    LoopTask me = AsyncIO.CurrentTask!;
                    Volatile.Write(ref childRan, true);
                    return Task.FromResult(!me.IsDone && AsyncIO.AllTasks().Contains(me));
                }, name: "from a thread", CancellationToken.None));
                await spinner;
                return await child ? 0 : 1;
            }));
        }

        missed.Should().Be(0);
    }

    [Fact]
    public void ADeepChain_IsDrawnDownTo32Levels_ThenSummedUp()
    {
        string graph = RunVirtual(async () =>
        {
            var release = new AsyncEvent();
            string drawn = "";
            Task StepAsync(int n) => AsyncIO.CreateTask(async ct =>
            {
                if (n == 5_000)
                {
                    drawn = AsyncIO.FormatCallGraph();
                    release.Set();
                    return;
                }

                await StepAsync(n + 1); // each task awaits the one it started
            }, name: $"step {n}");

            await StepAsync(0);
            return drawn;
        });

        string[] lines = graph.Split('\n');
        lines.Should().HaveCount(33);
        lines[0].Should().Be("main");
        lines[32].Trim().Should().Be("└── … 1 more task(s) started from here");
    }

    [Fact]
    public void TheDeadlockReport_EndsWithTheTree()
    {
        var error = FluentActions.Invoking(() => RunVirtual(async () =>
        {
            var never = new AsyncEvent();
            Task stuck = AsyncIO.CreateTask(async ct => await never.WaitAsync(ct), name: "stuck");
            await stuck;
        })).Should().Throw<EventLoopDeadlockException>().Which;

        error.Message.Should().EndWith("\nThe tasks, each under the task that started it:\nmain\n└── stuck");
    }
}
