using AsyncNotes;
using BenchmarkDotNet.Attributes;

namespace AsyncNotes.Benchmarks;

/// <summary>
/// What asyncio's rules cost over <c>Task.WhenAll</c>: gathering N already-completed tasks and N tasks that complete
/// later on the thread pool, with <see cref="AsyncIO.GatherAsync{T}(IEnumerable{Task{T}}, CancellationToken)"/> against
/// <see cref="Task.WhenAll{TResult}(IEnumerable{Task{TResult}})"/>, and the delegate form with and without a limit.
/// </summary>
[MemoryDiagnoser]
public class GatherBenchmark
{
    [Params(10, 1_000)]
    public int Children { get; set; }

    [Benchmark(Baseline = true, Description = "Task.WhenAll, N yielding tasks")]
    public Task<int[]> WhenAll() => Task.WhenAll(StartChildren());

    [Benchmark(Description = "GatherAsync, N yielding tasks")]
    public Task<int[]> Gather() => AsyncIO.GatherAsync(StartChildren());

    [Benchmark(Description = "GatherAsync, N delegates")]
    public Task<int[]> GatherDelegates() => AsyncIO.GatherAsync(Work());

    [Benchmark(Description = "GatherAsync, N delegates, maxConcurrency 4")]
    public Task<int[]> GatherDelegatesLimited() => AsyncIO.GatherAsync(Work(), maxConcurrency: 4);

    private Task<int>[] StartChildren()
    {
        var children = new Task<int>[Children];
        for (int i = 0; i < children.Length; i++)
        {
            children[i] = YieldThenReturnAsync(i);
        }

        return children;
    }

    private Func<CancellationToken, Task<int>>[] Work()
    {
        var work = new Func<CancellationToken, Task<int>>[Children];
        for (int i = 0; i < work.Length; i++)
        {
            int value = i;
            work[i] = _ => YieldThenReturnAsync(value);
        }

        return work;
    }

    private static async Task<int> YieldThenReturnAsync(int value)
    {
        await Task.Yield();
        return value;
    }
}
