using AsyncNotes;
using BenchmarkDotNet.Attributes;

namespace AsyncNotes.Benchmarks;

/// <summary>
/// What the virtual clock costs in real time: N concurrent one-hour sleeps (the test asserts they end at exactly one
/// hour; this measures how long that takes), and N tasks that each yield once, on the loop against the thread pool.
/// </summary>
[MemoryDiagnoser]
public class EventLoopBenchmark
{
    [Params(1_000, 100_000)]
    public int Tasks { get; set; }

    [Benchmark(Description = "N one-hour sleeps, virtual loop")]
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

    [Benchmark(Baseline = true, Description = "N tasks yield once, thread pool")]
    public Task ThreadPoolYields()
    {
        var tasks = new Task[Tasks];
        for (int i = 0; i < tasks.Length; i++)
        {
            tasks[i] = YieldOnceAsync();
        }

        return Task.WhenAll(tasks);
    }

    [Benchmark(Description = "N tasks yield once, event loop")]
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
    [Benchmark(Description = "Task.WhenAll over N loop tasks, event loop")]
    public int[] LoopWhenAll() => AsyncIO.Run(() => Task.WhenAll(StartLoopChildren()), EventLoopOptions.Virtual);

    /// <summary>asyncio's gather over the same N loop tasks: its done-callbacks, first failure and outcome on the Future.</summary>
    [Benchmark(Description = "GatherAsync over N loop tasks, event loop")]
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
