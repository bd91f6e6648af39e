using AsyncNotes;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace AsyncNotes.Benchmarks;

/// <summary>
/// What the virtual clock costs in real time: N concurrent one-hour sleeps (the test asserts they end at exactly one
/// hour; this measures how long that takes; target 100 ms for 100,000), N tasks that each yield once, on the loop
/// against the thread pool (target 2x), and <c>GatherAsync</c> against <c>Task.WhenAll</c> over the same loop tasks. The
/// Python side: <c>bench/python/loop_bench.py</c>.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class EventLoopBenchmark
{
    [ParamsSource(nameof(Sizes))]
    public int Tasks { get; set; }

    public static IEnumerable<int> Sizes => Workload.Size(100_000);

    [Benchmark(Description = "N one-hour sleeps, virtual loop"), BenchmarkCategory("sleeps")]
    public TimeSpan VirtualSleeps() => AsyncIO.Run(
        async () =>
        {
            var sleepers = new Task[Tasks];
            for (int i = 0; i < sleepers.Length; i++)
            {
                sleepers[i] = AsyncIO.SleepAsync(TimeSpan.FromHours(1));
            }

            await Task.WhenAll(sleepers);
            return EventLoop.Current!.Elapsed;
        },
        EventLoopOptions.Virtual);

    /// <summary>N <c>async</c> methods that each await <see cref="Task.Yield"/> on the thread pool: the BCL has no task that
    /// yields without a method around it.</summary>
    [Benchmark(Baseline = true, Description = "N tasks yield once, thread pool"), BenchmarkCategory("yield")]
    public Task ThreadPoolYields()
    {
        var tasks = new Task[Tasks];
        for (int i = 0; i < tasks.Length; i++)
        {
            tasks[i] = YieldOnceAsync();
        }

        return Task.WhenAll(tasks);
    }

    /// <summary>N tasks of <c>SleepAsync(0)</c> itself on the loop, with no <c>async</c> method around them (the Python twin
    /// gathers N <c>sleep(0)</c> coroutines, each of which gather wraps in a task). The same methods as the pool's, each awaiting <c>SleepAsync(0)</c> on the loop, are
    /// <see cref="LoopWhenAll"/>'s children: there every await also pays the runtime's continuation under the loop's
    /// synchronization context (bench/results/README.md).</summary>
    [Benchmark(Description = "N tasks yield once, event loop"), BenchmarkCategory("yield")]
    public void LoopYields() => AsyncIO.Run(
        () =>
        {
            var tasks = new Task[Tasks];
            for (int i = 0; i < tasks.Length; i++)
            {
                tasks[i] = AsyncIO.SleepAsync(TimeSpan.Zero);
            }

            return Task.WhenAll(tasks);
        },
        EventLoopOptions.Virtual);

    /// <summary>The BCL's aggregate over N tasks that run on the loop (each yields one turn, then returns its index).</summary>
    [Benchmark(Baseline = true, Description = "Task.WhenAll over N loop tasks, event loop"), BenchmarkCategory("gather")]
    public int[] LoopWhenAll() => AsyncIO.Run(() => Task.WhenAll(StartLoopChildren()), EventLoopOptions.Virtual);

    /// <summary>asyncio's gather over the same N loop tasks: its done-callbacks, first failure and outcome on the Future.</summary>
    [Benchmark(Description = "GatherAsync over N loop tasks, event loop"), BenchmarkCategory("gather")]
    public int[] LoopGather() => AsyncIO.Run(() => AsyncIO.GatherAsync(StartLoopChildren()), EventLoopOptions.Virtual);

    private Task<int>[] StartLoopChildren()
    {
        var children = new Task<int>[Tasks];
        for (int i = 0; i < children.Length; i++)
        {
            children[i] = YieldOnLoopAsync(i);
        }

        return children;
    }

    private static async Task<int> YieldOnLoopAsync(int value)
    {
        await AsyncIO.SleepAsync(TimeSpan.Zero);
        return value;
    }

    private static async Task YieldOnceAsync() => await Task.Yield();
}
