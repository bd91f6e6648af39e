using AsyncNotes.Tests.Infrastructure;
using static AsyncNotes.Tests.Infrastructure.TestLoop;

namespace AsyncNotes.Tests.Future;

// The kinds of behaviour the issue "The loop's Future" asked to check as a whole, each against asyncio's rule.
public sealed class AsyncioKindsTests
{
    // A child cancelled by someone else fails the gather with OperationCanceledException (asyncio sets CancelledError as the
    // gather's exception); the caller's own cancellation cancels it. A caller can tell the two apart.
    [Fact]
    public void Gather_ChildCancelledAgainstCallerCancelled_FaultedAgainstCanceled()
    {
        (TaskStatus ChildCancelled, TaskStatus CallerCancelled) statuses = RunVirtual(async () =>
        {
            var victim = new TaskCompletionSource<int>();
            Task<int[]> first = AsyncIO.GatherAsync(victim.Task, AsyncIO.SleepAsync(Seconds(5), 1));
            victim.SetCanceled();
            (await Capture.ExceptionAsync(() => first)).Should().BeAssignableTo<OperationCanceledException>();

            using var cts = new CancellationTokenSource();
            Task<int[]> second = AsyncIO.GatherAsync([ct => AsyncIO.SleepAsync(Seconds(5), 1, ct)], cancellationToken: cts.Token);
            cts.CancelOnLoop();
            (await Capture.ExceptionAsync(() => second)).Should().BeAssignableTo<OperationCanceledException>();
            return (first.Status, second.Status);
        });

        statuses.Should().Be((TaskStatus.Faulted, TaskStatus.Canceled));
    }

    // Enumerating the same AsCompleted object again continues where the first enumeration stopped.
    [Fact]
    public void AsCompleted_SecondEnumeration_ContinuesWhereTheFirstStopped()
    {
        var log = new EventLog();

        RunVirtual(async () =>
        {
            Task<string>[] tasks = [AsyncIO.SleepAsync(Seconds(1), "a"), AsyncIO.SleepAsync(Seconds(2), "b"), AsyncIO.SleepAsync(Seconds(3), "c")];
            IAsyncEnumerable<Task<string>> completed = AsyncIO.AsCompleted(tasks);
            await foreach (Task<string> task in completed)
            {
                log.AddAt($"first {await task}");
                break;
            }

            await foreach (Task<string> task in completed)
            {
                log.AddAt($"second {await task}");
            }
        });

        log.Entries.Should().Equal("first a@1", "second b@2", "second c@3");
    }

    // Two nested timeout scopes sharing one deadline: both are Expired; only the outermost throws TimeoutException.
    [Fact]
    public void NestedTimeoutScopes_SharingADeadline_BothExpired_OnlyTheOutermostThrowsTimeout()
    {
        var log = new EventLog();

        RunVirtual(async () =>
        {
            TimeoutScope? inner = null;
            TimeoutScope? outer = null;
            try
            {
                await AsyncIO.TimeoutAsync(Seconds(1), async o =>
                {
                    outer = o;
                    try
                    {
                        await AsyncIO.TimeoutAsync(
                            Seconds(1),
                            async i =>
                            {
                                inner = i;
                                await AsyncIO.SleepAsync(Seconds(5), i.Token);
                            },
                            cancellationToken: o.Token);
                    }
                    catch (OperationCanceledException) when (o.Token.IsCancellationRequested)
                    {
                        log.AddAt("inner passed the cancellation on");
                        throw;
                    }
                });
            }
            catch (TimeoutException)
            {
                log.AddAt("outer threw TimeoutException");
            }

            log.Add($"outer expired={outer!.Expired} inner expired={inner!.Expired}");
        });

        log.Entries.Should().Equal("inner passed the cancellation on@1", "outer threw TimeoutException@1", "outer expired=True inner expired=True");
    }

    // A task created in main's last step still gets its first step before asyncio.run cancels it at shutdown.
    [Fact]
    public void TaskCreatedInMainsLastStep_GetsItsFirstStepBeforeTheShutdownCancelsIt()
    {
        var log = new EventLog();

        RunVirtual(async () =>
        {
            await AsyncIO.SleepAsync(TimeSpan.Zero);
            _ = AsyncIO.CreateTask(async ct =>
            {
                log.Add("child first step");
                try
                {
                    await AsyncIO.SleepAsync(Seconds(10), ct);
                }
                catch (OperationCanceledException)
                {
                    log.Add("child cancelled at shutdown");
                    throw;
                }
            });
            log.Add("main returns");
        });

        log.Entries.Should().Equal("main returns", "child first step", "child cancelled at shutdown");
    }
}
