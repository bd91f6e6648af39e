using AsyncNotes;
using BenchmarkDotNet.Attributes;

namespace AsyncNotes.Benchmarks;

/// <summary>
/// N trivial functions sent off the loop and awaited on it (all started, then <c>Task.WhenAll</c>), inside one real-clock
/// <see cref="AsyncIO.Run(Func{Task}, EventLoopOptions?)"/>: bare <c>Task.Run</c> (invisible to the loop) against
/// <see cref="AsyncIO.ToThreadAsync{T}(Func{T}, CancellationToken)"/> (tracked, its result delivered as a loop callback)
/// and <see cref="AsyncIO.RunInExecutorAsync{T}(ThreadPoolExecutor?, Func{T}, CancellationToken)"/> on a
/// <see cref="ThreadPoolExecutor"/> of one worker per core. Issue target: ToThreadAsync within 2x Task.Run. The Python
/// side: <c>bench/python/executor_bench.py</c> (<c>asyncio.to_thread</c>).
/// </summary>
[MemoryDiagnoser]
public class ExecutorBenchmark
{
    [ParamsSource(nameof(Sizes))]
    public int Calls { get; set; }

    public static IEnumerable<int> Sizes => Workload.Size(10_000);

    [Benchmark(Baseline = true, Description = "Task.Run x N on the loop, WhenAll")]
    public int TaskRun() => AsyncIO.Run(() => AllAsync(i => Task.Run(() => i)));

    [Benchmark(Description = "ToThreadAsync x N on the loop, WhenAll")]
    public int ToThread() => AsyncIO.Run(() => AllAsync(i => AsyncIO.ToThreadAsync(() => i)));

    [Benchmark(Description = "RunInExecutorAsync(ThreadPoolExecutor(cores)) x N on the loop, WhenAll")]
    public int Executor() => AsyncIO.Run(async () =>
    {
        await using var pool = new ThreadPoolExecutor(Environment.ProcessorCount);
        return await AllAsync(i => AsyncIO.RunInExecutorAsync(pool, () => i));
    });

    private async Task<int> AllAsync(Func<int, Task<int>> start)
    {
        var calls = new Task<int>[Calls];
        for (int i = 0; i < calls.Length; i++)
        {
            calls[i] = start(i);
        }

        return (await Task.WhenAll(calls)).Length;
    }
}
