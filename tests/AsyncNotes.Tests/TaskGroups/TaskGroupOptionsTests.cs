using AsyncNotes.Tests.Infrastructure;
using static AsyncNotes.Tests.Infrastructure.TestLoop;

namespace AsyncNotes.Tests.TaskGroups;

// Beyond asyncio: TaskGroupOptions.MaxConcurrency (children wait for a slot, first come first served) and Supervisor (a
// child's failure cancels nothing; every failure is still collected).
public sealed class TaskGroupOptionsTests
{
    private static async Task WorkAsync(EventLog log, string name, double seconds, CancellationToken ct)
    {
        log.AddAt($"{name} start");
        await AsyncIO.SleepAsync(Seconds(seconds), ct);
        log.AddAt($"{name} end");
    }

    [Fact]
    public void MaxConcurrency_AtMostThatManyRun_TheOthersStartInCreationOrderAsSlotsFree()
    {
        var log = new EventLog();
        TimeSpan end = RunVirtual(async () =>
        {
            await TaskGroup.RunAsync(
                tg =>
                {
                    for (int i = 0; i < 5; i++)
                    {
                        string name = $"c{i}";
                        _ = tg.CreateTask(ct => WorkAsync(log, name, 1, ct));
                    }

                    return Task.CompletedTask;
                },
                new TaskGroupOptions { MaxConcurrency = 2 });
            return Now;
        });

        end.Should().Be(Seconds(3));
        log.Entries.Where(e => e.Contains("start", StringComparison.Ordinal)).Should().Equal(
            "c0 start@0", "c1 start@0", "c2 start@1", "c3 start@1", "c4 start@2");
    }

    [Fact]
    public void MaxConcurrency_AChildCancelledWhileItWaitsForASlot_NeverRunsAndTakesNoSlot()
    {
        var log = new EventLog();
        using var cancelSecond = new CancellationTokenSource();
        RunVirtual(async () =>
        {
            Task? second = null;
            await TaskGroup.RunAsync(
                async tg =>
                {
                    _ = tg.CreateTask(ct => WorkAsync(log, "first", 2, ct));
                    second = tg.CreateTask(ct => WorkAsync(log, "second", 1, ct), cancellationToken: cancelSecond.Token);
                    _ = tg.CreateTask(ct => WorkAsync(log, "third", 1, ct));
                    await AsyncIO.SleepAsync(Seconds(1), tg.CancellationToken);
                    cancelSecond.CancelOnLoop();
                },
                new TaskGroupOptions { MaxConcurrency = 1 });
            second!.IsCanceled.Should().BeTrue();
        });

        log.Entries.Should().Equal("first start@0", "first end@2", "third start@2", "third end@3");
    }

    [Fact]
    public void MaxConcurrency_AFailureWhileChildrenWaitForSlots_NoneOfTheWaitingOnesEverRuns()
    {
        var log = new EventLog();
        var failure = new InvalidOperationException("x");
        RunVirtual(async () =>
        {
            Func<Task> act = () => TaskGroup.RunAsync(
                tg =>
                {
                    _ = tg.CreateTask(async ct =>
                    {
                        await AsyncIO.SleepAsync(Seconds(1), ct);
                        throw failure;
                    });
                    for (int i = 0; i < 5; i++)
                    {
                        string name = $"waiting{i}";
                        _ = tg.CreateTask(ct => WorkAsync(log, name, 1, ct));
                    }

                    return Task.CompletedTask;
                },
                new TaskGroupOptions { MaxConcurrency = 1 });

            (await act.Should().ThrowAsync<AggregateException>()).Which.InnerExceptions.Should().Equal(failure);
            Now.Should().Be(Seconds(1));
        });

        log.Entries.Should().BeEmpty();
    }

    [Fact]
    public void MaxConcurrency_ChildrenAddedByChildren_QueueBehindThoseAlreadyWaiting()
    {
        var log = new EventLog();
        RunVirtual(() => TaskGroup.RunAsync(
            tg =>
            {
                _ = tg.CreateTask(async ct =>
                {
                    await WorkAsync(log, "parent", 1, ct);
                    _ = tg.CreateTask(c => WorkAsync(log, "spawned", 1, c), cancellationToken: CancellationToken.None);
                });
                _ = tg.CreateTask(ct => WorkAsync(log, "queued", 1, ct));
                return Task.CompletedTask;
            },
            new TaskGroupOptions { MaxConcurrency = 1 }));

        log.Entries.Should().Equal("parent start@0", "parent end@1", "queued start@1", "queued end@2", "spawned start@2", "spawned end@3");
    }

    [Fact]
    public void Supervisor_AChildsFailureCancelsNeitherSiblingsNorTheBody_AndEveryFailureIsThrown()
    {
        var log = new EventLog();
        var first = new InvalidOperationException("first");
        var second = new ArgumentException("second");
        RunVirtual(async () =>
        {
            Func<Task> act = () => TaskGroup.RunAsync(
                async tg =>
                {
                    _ = tg.CreateTask(async ct =>
                    {
                        await AsyncIO.SleepAsync(Seconds(1), ct);
                        throw first;
                    });
                    _ = tg.CreateTask(ct => WorkAsync(log, "sibling", 3, ct));
                    _ = tg.CreateTask(async ct =>
                    {
                        await AsyncIO.SleepAsync(Seconds(2), ct);
                        throw second;
                    });
                    await AsyncIO.SleepAsync(Seconds(4), tg.CancellationToken);
                    log.AddAt("body finished its await");
                },
                new TaskGroupOptions { Supervisor = true });

            (await act.Should().ThrowAsync<AggregateException>()).Which.InnerExceptions.Should().Equal(first, second);
        });

        log.Entries.Should().Equal("sibling start@0", "sibling end@3", "body finished its await@4");
    }

    [Fact]
    public void Supervisor_TheBodysFailureStillCancelsTheChildren()
    {
        var bodyFailure = new InvalidOperationException("body");
        Task? child = null;
        RunVirtual(async () =>
        {
            Func<Task> act = () => TaskGroup.RunAsync(
                async tg =>
                {
                    child = tg.CreateTask(ct => AsyncIO.SleepAsync(Seconds(10), ct));
                    await AsyncIO.SleepAsync(Seconds(1), tg.CancellationToken);
                    throw bodyFailure;
                },
                new TaskGroupOptions { Supervisor = true });

            (await act.Should().ThrowAsync<AggregateException>()).Which.InnerExceptions.Should().Equal(bodyFailure);
            Now.Should().Be(Seconds(1));
        });

        child!.IsCanceled.Should().BeTrue();
    }

    [Fact]
    public void SupervisorWithMaxConcurrency_FailuresFreeTheirSlots_AndEveryChildRuns()
    {
        var log = new EventLog();
        RunVirtual(async () =>
        {
            Func<Task> act = () => TaskGroup.RunAsync(
                tg =>
                {
                    for (int i = 0; i < 4; i++)
                    {
                        string name = $"c{i}";
                        _ = tg.CreateTask(async ct =>
                        {
                            await WorkAsync(log, name, 1, ct);
                            throw new InvalidOperationException(name);
                        });
                    }

                    return Task.CompletedTask;
                },
                new TaskGroupOptions { MaxConcurrency = 2, Supervisor = true });

            (await act.Should().ThrowAsync<AggregateException>()).Which.InnerExceptions.Select(e => e.Message)
                .Should().Equal("c0", "c1", "c2", "c3");
            Now.Should().Be(Seconds(2));
        });

        log.Entries.Where(e => e.Contains("start", StringComparison.Ordinal)).Should().Equal("c0 start@0", "c1 start@0", "c2 start@1", "c3 start@1");
    }
}
