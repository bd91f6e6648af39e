using System.Collections.Concurrent;
using AsyncNotes.Tests.Infrastructure;
using CsCheck;

namespace AsyncNotes.Tests.TaskGroups;

// 10,000 random groups on the virtual loop and 10,000 on the thread pool: random child durations, nested groups, faults
// (in the work, or in the cleanup after a cancellation), children cancelled by hand, a failing body, the caller's token and
// TaskGroup.Cancel at random times, the supervisor policy and a concurrency limit. After each RunAsync: no child is alive,
// every fault that was thrown is in the exception exactly once (nested groups flattened), and a run without faults ends
// normally or cancelled for the right reason. At the end, no unobserved task exception. CsCheck prints the seed and a shrunk
// plan when a trial fails.
public sealed class TaskGroupRandomizedTests
{
    private const int Trials = 10_000;

    private enum Fault
    {
        None,
        Fails,
        FailsInCleanup,
        CancelledByHand,
    }

    private sealed record Grandchild(int Duration, bool Fails);

    private sealed record Child(int Duration, Fault Fault, Grandchild[] Nested);

    private sealed record Plan(Child[] Children, int BodyFaultAt, int CallerCancelAt, int GroupCancelAt, bool Supervisor, int MaxConcurrency);

    private sealed class InjectedFault(string where) : Exception(where);

    private static readonly Gen<Grandchild> GenGrandchild = Gen.Select(Gen.Int[0, 4], Gen.Int[0, 4], (d, f) => new Grandchild(d, f == 0));

    private static readonly Gen<Child> GenChild = Gen.Select(
        Gen.Int[0, 5],
        Gen.Int[0, 9],
        Gen.Int[0, 3],
        GenGrandchild.Array[1, 3],
        (d, f, n, nested) => new Child(d, f switch { 0 => Fault.Fails, 1 => Fault.FailsInCleanup, 2 => Fault.CancelledByHand, _ => Fault.None }, n == 0 ? nested : []));

    // Negative times mean "never".
    private static readonly Gen<Plan> GenPlan = Gen.Select(
        GenChild.Array[1, 6],
        Gen.Int[-12, 6],
        Gen.Int[-8, 8],
        Gen.Int[-8, 8],
        Gen.Int[0, 3],
        Gen.Int[0, 3],
        (children, bodyFault, callerCancel, groupCancel, supervisor, limit) =>
            new Plan(children, bodyFault, callerCancel, groupCancel, supervisor == 0, limit));

    private interface IClock
    {
        Task WaitAsync(int units, CancellationToken ct);

        Task StartAsync(Func<Task> work);
    }

    // On the virtual loop: a unit is 0.1 s of virtual time; background work is a loop task.
    private sealed class LoopClock : IClock
    {
        public Task WaitAsync(int units, CancellationToken ct) => AsyncIO.SleepAsync(TimeSpan.FromSeconds(units / 10.0), ct);

        public Task StartAsync(Func<Task> work) => AsyncIO.CreateTask(_ => work());
    }

    // On the thread pool: a unit is one trip through the pool, with a cancellation check after it.
    private sealed class PoolClock : IClock
    {
        public async Task WaitAsync(int units, CancellationToken ct)
        {
            for (int i = 0; i < units; i++)
            {
                await Task.Yield();
                ct.ThrowIfCancellationRequested();
            }
        }

        public Task StartAsync(Func<Task> work) => Task.Run(work);
    }

    [Fact]
    public Task RandomGroups_OnTheVirtualLoop_NoChildOutlivesTheGroup_AndEveryFaultIsThrownExactlyOnce() =>
        WithUnobservedCheckAsync(() =>
        {
            GenPlan.Sample(
                plan => AsyncIO.Run(() => RunTrialAsync(plan, new LoopClock(), onLoop: true), EventLoopOptions.Virtual),
                iter: Trials,
                threads: 1);
            return Task.CompletedTask;
        });

    [Fact]
    public Task RandomGroups_OnTheThreadPool_NoChildOutlivesTheGroup_AndEveryFaultIsThrownExactlyOnce() =>
        WithUnobservedCheckAsync(() => GenPlan.SampleAsync(
            plan => RunTrialAsync(plan, new PoolClock(), onLoop: false).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken),
            iter: Trials,
            threads: 1));

    private static async Task WithUnobservedCheckAsync(Func<Task> run)
    {
        IReadOnlyList<Exception> unobserved = await UnobservedTaskExceptions.DuringAsync(run);
        unobserved.OfType<InjectedFault>().Should().BeEmpty("the group observes every child's failure");
    }

    private static async Task RunTrialAsync(Plan plan, IClock clock, bool onLoop)
    {
        var thrown = new ConcurrentQueue<Exception>();
        int alive = 0;
        using var caller = new CancellationTokenSource();
        using var byHand = new CancellationTokenSource();

        Exception Inject(string where)
        {
            var fault = new InjectedFault(where);
            thrown.Enqueue(fault);
            return fault;
        }

        async Task GrandchildAsync(Grandchild g, CancellationToken ct)
        {
            Interlocked.Increment(ref alive);
            try
            {
                await clock.WaitAsync(g.Duration, ct);
                if (g.Fails)
                {
                    throw Inject("grandchild");
                }
            }
            finally
            {
                Interlocked.Decrement(ref alive);
            }
        }

        async Task ChildAsync(Child c, CancellationToken ct)
        {
            Interlocked.Increment(ref alive);
            try
            {
                if (c.Nested.Length > 0)
                {
                    await TaskGroup.RunAsync(
                        inner =>
                        {
                            try
                            {
                                foreach (Grandchild g in c.Nested)
                                {
                                    _ = inner.CreateTask(gct => GrandchildAsync(g, gct));
                                }
                            }
                            catch (InvalidOperationException refused) when (!onLoop)
                            {
                                thrown.Enqueue(refused); // see the outer body
                                throw;
                            }

                            return Task.CompletedTask;
                        },
                        ct);
                }

                try
                {
                    await clock.WaitAsync(c.Duration, ct);
                }
                catch (OperationCanceledException) when (c.Fault == Fault.FailsInCleanup)
                {
                    throw Inject("cleanup");
                }

                if (c.Fault == Fault.Fails)
                {
                    throw Inject("child");
                }
            }
            finally
            {
                Interlocked.Decrement(ref alive);
            }
        }

        Task canceller = plan.CallerCancelAt < 0
            ? Task.CompletedTask
            : clock.StartAsync(async () =>
            {
                await clock.WaitAsync(plan.CallerCancelAt, CancellationToken.None);
                caller.CancelOnLoop();
            });

        var options = new TaskGroupOptions { Supervisor = plan.Supervisor, MaxConcurrency = plan.MaxConcurrency == 0 ? null : plan.MaxConcurrency };
        Exception? outcome = null;
        try
        {
            await TaskGroup.RunAsync(
                async tg =>
                {
                    // On the thread pool a child may fail before the body has created the rest: CreateTask then refuses (the
                    // group is shutting down), and that refusal is the body's failure, collected like any other.
                    try
                    {
                        foreach (Child c in plan.Children)
                        {
                            _ = tg.CreateTask(ct => ChildAsync(c, ct), cancellationToken: c.Fault == Fault.CancelledByHand ? byHand.Token : default);
                        }

                        if (plan.GroupCancelAt >= 0)
                        {
                            _ = tg.CreateTask(async ct =>
                            {
                                await clock.WaitAsync(plan.GroupCancelAt, ct);
                                tg.Cancel();
                            });
                        }
                    }
                    catch (InvalidOperationException refused) when (!onLoop)
                    {
                        thrown.Enqueue(refused);
                        throw;
                    }

                    byHand.CancelOnLoop();
                    if (plan.BodyFaultAt >= 0)
                    {
                        await clock.WaitAsync(plan.BodyFaultAt, tg.CancellationToken);
                        throw Inject("body");
                    }
                },
                options,
                caller.Token);
        }
        catch (Exception e)
        {
            outcome = e;
        }

        bool callerCancelledAtTheEnd = caller.IsCancellationRequested;
        Volatile.Read(ref alive).Should().Be(0, "no child may outlive RunAsync");

        Exception[] faults = [.. thrown];
        if (faults.Length > 0)
        {
            AggregateException group = outcome.Should().BeOfType<AggregateException>("faults were thrown").Subject;
            List<Exception> leaves = Flatten(group);
            leaves.Should().HaveCount(faults.Length, "every thrown fault appears once, and nothing else does");
            new HashSet<Exception>(leaves, ReferenceEqualityComparer.Instance).SetEquals(faults).Should().BeTrue("the faults are the very exceptions thrown");
        }
        else if (outcome is not null)
        {
            outcome.Should().BeAssignableTo<OperationCanceledException>("without faults, only a cancellation can end the group abnormally");
            caller.IsCancellationRequested.Should().BeTrue("only the caller's token makes the group end cancelled");
        }
        else if (onLoop)
        {
            callerCancelledAtTheEnd.Should().BeFalse("a cancelled caller sees OperationCanceledException");
        }

        await canceller;
    }

    private static List<Exception> Flatten(AggregateException group)
    {
        var leaves = new List<Exception>();
        foreach (Exception inner in group.InnerExceptions)
        {
            if (inner is AggregateException nested)
            {
                leaves.AddRange(Flatten(nested));
            }
            else
            {
                leaves.Add(inner);
            }
        }

        return leaves;
    }
}
