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

    private static async Task YieldOnceAsync() => await Task.Yield();
}
