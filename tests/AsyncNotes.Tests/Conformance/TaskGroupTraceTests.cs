using AsyncNotes.Tests.Infrastructure;
using static AsyncNotes.Tests.Conformance.TraceLog;
using static AsyncNotes.Tests.Infrastructure.TestLoop;

namespace AsyncNotes.Tests.Conformance;

// Twins of CPython's TaskGroup traces (40-45): each log must equal, line by line, what CPython's loop printed. Python's
// ValueError is ArgumentException here and RuntimeError is InvalidOperationException; PyName prints them by their Python
// names, so that the lines compare. task.cancel() is cancelling the token given to that child; Python's
// current_task().cancelling() is whether the caller's token was cancelled (the group never cancels it).
public sealed class TaskGroupTraceTests
{
    private static string PyName(Exception e) => e switch
    {
        ArgumentException => $"ValueError({e.Message})",
        InvalidOperationException => $"RuntimeError({e.Message})",
        _ => $"{e.GetType().Name}({e.Message})",
    };

    private static string PyList(IEnumerable<string> items) => "[" + string.Join(", ", items.Select(i => $"'{i}'")) + "]";

    // asyncio's add_done_callback: the callback is scheduled on the loop once the task is done.
    private static void OnDone(Task task, Action<Task> callback) =>
        _ = task.ContinueWith(callback, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.FromCurrentSynchronizationContext());

    // 40_taskgroup_child_fails_siblings_cancelled (TG-03)
    [Fact]
    public void Trace40_ChildFails_SiblingsCancelledFirst_ThenTheBody_ErrorsInTheOrderTheTasksEnded()
    {
        var log = new EventLog();
        var seen = new List<string>();
        using var callerToken = new CancellationTokenSource();
        RunVirtual(async () =>
        {
            async Task FailingAsync(CancellationToken ct)
            {
                await AsyncIO.SleepAsync(Seconds(1), ct);
                Log(log, "F: raising ValueError");
                throw new ArgumentException("boom");
            }

            async Task SiblingAsync(string name, double cleanup, string? error, CancellationToken ct)
            {
                try
                {
                    await AsyncIO.SleepAsync(Seconds(10), ct);
                }
                catch (OperationCanceledException)
                {
                    seen.Add(name);
                    await AsyncIO.SleepAsync(Seconds(cleanup), CancellationToken.None);
                    Log(log, $"{name}: cleanup done" + (error is null ? string.Empty : ", raising RuntimeError"));
                    if (error is not null)
                    {
                        throw new InvalidOperationException(error);
                    }

                    throw;
                }
            }

            try
            {
                await TaskGroup.RunAsync(
                    async tg =>
                    {
                        _ = tg.CreateTask(ct => SiblingAsync("A", 0.25, null, ct));
                        _ = tg.CreateTask(ct => SiblingAsync("B", 0.5, "B cleanup failed", ct));
                        _ = tg.CreateTask(FailingAsync);
                        try
                        {
                            await AsyncIO.SleepAsync(Seconds(5), tg.CancellationToken);
                        }
                        catch (OperationCanceledException)
                        {
                            Log(log, $"body: await cancelled; siblings already cancelled: {PyList(seen.Order(StringComparer.Ordinal))}");
                            throw;
                        }
                    },
                    callerToken.Token);
                Log(log, "after the block (never)");
            }
            catch (AggregateException eg)
            {
                Log(log, $"group raised 'unhandled errors in a TaskGroup': {PyList(eg.InnerExceptions.Select(PyName))}");
            }

            Log(log, $"main: cancelling()={(callerToken.IsCancellationRequested ? 1 : 0)}");
            await AsyncIO.SleepAsync(Seconds(0.5));
            Log(log, "main: next await ran normally");
        });

        log.Entries.Should().Equal(
            "t=1.000 F: raising ValueError",
            "t=1.000 body: await cancelled; siblings already cancelled: ['A', 'B']",
            "t=1.250 A: cleanup done",
            "t=1.500 B: cleanup done, raising RuntimeError",
            "t=1.500 group raised 'unhandled errors in a TaskGroup': ['ValueError(boom)', 'RuntimeError(B cleanup failed)']",
            "t=1.500 main: cancelling()=0",
            "t=2.000 main: next await ran normally");
    }

    // 41_taskgroup_body_raises_cancels_unstarted (TG-06)
    [Fact]
    public void Trace41_BodyRaisesBeforeAnyAwait_UnstartedChildrenNeverRun_RunningOneCleansUp()
    {
        var log = new EventLog();
        RunVirtual(async () =>
        {
            async Task ChildAsync(string name, double delay, CancellationToken ct)
            {
                Log(log, $"{name}: started");
                try
                {
                    await AsyncIO.SleepAsync(Seconds(delay), ct);
                    Log(log, $"{name}: finished");
                }
                catch (OperationCanceledException)
                {
                    Log(log, $"{name}: cancelled, cleaning up");
                    await AsyncIO.SleepAsync(Seconds(0.25), CancellationToken.None);
                    Log(log, $"{name}: cleanup done");
                    throw;
                }
            }

            void Create(TaskGroup tg, string name)
            {
                Task child = tg.CreateTask(ct => ChildAsync(name, 10, ct), name);
                OnDone(child, t => Log(log, $"{name} done: cancelled={(t.IsCanceled ? "True" : "False")}"));
            }

            try
            {
                await TaskGroup.RunAsync(async tg =>
                {
                    Create(tg, "early");
                    await AsyncIO.SleepAsync(Seconds(1), tg.CancellationToken);
                    Log(log, "body: creating late1 and late2, then raising before any await");
                    foreach (string name in new[] { "late1", "late2" })
                    {
                        Create(tg, name);
                    }

                    throw new ArgumentException("body failed");
                });
            }
            catch (AggregateException eg)
            {
                Log(log, $"group raised {PyList(eg.InnerExceptions.Select(PyName))}");
            }
        });

        log.Entries.Should().Equal(
            "t=0.000 early: started",
            "t=1.000 body: creating late1 and late2, then raising before any await",
            "t=1.000 early: cancelled, cleaning up",
            "t=1.000 late1 done: cancelled=True",
            "t=1.000 late2 done: cancelled=True",
            "t=1.250 early: cleanup done",
            "t=1.250 early done: cancelled=True",
            "t=1.250 group raised ['ValueError(body failed)']");
    }

    // 42_taskgroup_children_spawn_children (TG-01, TG-11)
    [Fact]
    public void Trace42_ChildrenSpawnChildrenAfterTheBodyLeft_TheGroupWaitsForTheLastGrandchild()
    {
        var log = new EventLog();
        RunVirtual(async () =>
        {
            async Task<string> WorkerAsync(TaskGroup tg, string name, double delay, (string Name, double Delay, object[] Grand)[] spawn, CancellationToken ct)
            {
                Log(log, $"{name}: started");
                await AsyncIO.SleepAsync(Seconds(delay), ct);
                foreach ((string childName, double childDelay, object[] grand) in spawn)
                {
                    var grandPlan = grand.Cast<(string, double, object[])>().ToArray();
                    _ = tg.CreateTask(c => WorkerAsync(tg, childName, childDelay, grandPlan, c), cancellationToken: CancellationToken.None);
                    Log(log, $"{name}: spawned {childName}");
                }

                Log(log, $"{name}: finished");
                return name;
            }

            (string, double, object[])[] plan = [("A1", 2, [("A1a", 0.5, Array.Empty<object>())]), ("A2", 0.25, [])];
            Task<string>? a = null;
            Task<string>? b = null;
            await TaskGroup.RunAsync(tg =>
            {
                a = tg.CreateTask(ct => WorkerAsync(tg, "A", 1, plan, ct));
                b = tg.CreateTask(ct => WorkerAsync(tg, "B", 0.5, [], ct));
                Log(log, "body: created A and B, leaving the block");
                return Task.CompletedTask;
            });
            Log(log, $"group exited: A={await a!} B={await b!}");
        });

        log.Entries.Should().Equal(
            "t=0.000 body: created A and B, leaving the block",
            "t=0.000 A: started",
            "t=0.000 B: started",
            "t=0.500 B: finished",
            "t=1.000 A: spawned A1",
            "t=1.000 A: spawned A2",
            "t=1.000 A: finished",
            "t=1.000 A1: started",
            "t=1.000 A2: started",
            "t=1.250 A2: finished",
            "t=3.000 A1: spawned A1a",
            "t=3.000 A1: finished",
            "t=3.000 A1a: started",
            "t=3.500 A1a: finished",
            "t=3.500 group exited: A=A B=B");
    }

    // 45_taskgroup_child_cancelled_by_hand (TG-02)
    [Fact]
    public void Trace45_ChildCancelledByHand_AndChildRaisingCancellation_AreNotFailures()
    {
        var log = new EventLog();
        using var callerToken = new CancellationTokenSource();
        RunVirtual(async () =>
        {
            async Task<string> ChildAsync(string name, double delay, CancellationToken ct)
            {
                try
                {
                    await AsyncIO.SleepAsync(Seconds(delay), ct);
                    Log(log, $"{name}: finished");
                    return name;
                }
                catch (OperationCanceledException)
                {
                    Log(log, $"{name}: cancelled");
                    throw;
                }
            }

            async Task GivesUpAsync(CancellationToken ct)
            {
                await AsyncIO.SleepAsync(Seconds(1.5), ct);
                Log(log, "C: raising CancelledError itself");
                throw new OperationCanceledException();
            }

            using var cancelB = new CancellationTokenSource();
            Task<string>? a = null, b = null;
            Task? c = null;
            await TaskGroup.RunAsync(
                async tg =>
                {
                    a = tg.CreateTask(ct => ChildAsync("A", 2, ct));
                    b = tg.CreateTask(ct => ChildAsync("B", 10, ct), cancellationToken: cancelB.Token);
                    c = tg.CreateTask(GivesUpAsync);
                    await AsyncIO.SleepAsync(Seconds(1), tg.CancellationToken);
                    Log(log, "body: cancelling B by hand");
                    cancelB.CancelOnLoop();
                    Log(log, "body: leaving the block");
                },
                callerToken.Token);
            Log(log, $"group exited normally: A={await a!} B.cancelled={(b!.IsCanceled ? "True" : "False")} C.cancelled={(c!.IsCanceled ? "True" : "False")}");
            Log(log, $"main: cancelling()={(callerToken.IsCancellationRequested ? 1 : 0)}");
        });

        log.Entries.Should().Equal(
            "t=1.000 body: cancelling B by hand",
            "t=1.000 body: leaving the block",
            "t=1.000 B: cancelled",
            "t=1.500 C: raising CancelledError itself",
            "t=2.000 A: finished",
            "t=2.000 group exited normally: A=A B.cancelled=True C.cancelled=True",
            "t=2.000 main: cancelling()=0");
    }
}
