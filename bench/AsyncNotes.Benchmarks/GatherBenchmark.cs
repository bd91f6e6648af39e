using AsyncNotes;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace AsyncNotes.Benchmarks;

/// <summary>
/// <see cref="AsyncIO.GatherAsync{T}(IEnumerable{Task{T}}, CancellationToken)"/> beside the BCL form a user would write
/// instead, off a loop (on the thread pool), N children, one comparison per category:
/// <list type="bullet">
///   <item>ready: N tasks already completed (made once), against <c>Task.WhenAll</c> (target: 1.2x in time and bytes);</item>
///   <item>tasks: N tasks that yield once, against <c>Task.WhenAll</c>;</item>
///   <item>delegates: N delegates given a token, against the hand-written linked-token <c>WhenAll</c> (target 1.5x);</item>
///   <item>delegates with a limit of 100, against the same with a <see cref="SemaphoreSlim"/> (target 1.5x).</item>
/// </list>
/// The Python side: <c>bench/python/gather_bench.py</c>.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class GatherBenchmark
{
    private Task<int>[] _ready = [];
    private Func<CancellationToken, Task<int>>[] _work = [];

    [ParamsSource(nameof(Sizes))]
    public int Children { get; set; }

    public static IEnumerable<int> Sizes => Workload.Size(100_000);

    [GlobalSetup]
    public void Setup()
    {
        _ready = [.. Enumerable.Range(0, Children).Select(Task.FromResult)];
        _work = [.. Enumerable.Range(0, Children).Select(i => (Func<CancellationToken, Task<int>>)(_ => YieldThenReturnAsync(i)))];
    }

    [Benchmark(Baseline = true, Description = "Task.WhenAll, N ready tasks"), BenchmarkCategory("ready")]
    public Task<int[]> WhenAllReady() => Task.WhenAll(_ready);

    [Benchmark(Description = "GatherAsync, N ready tasks"), BenchmarkCategory("ready")]
    public Task<int[]> GatherReady() => AsyncIO.GatherAsync(_ready);

    [Benchmark(Baseline = true, Description = "Task.WhenAll, N yielding tasks"), BenchmarkCategory("tasks")]
    public Task<int[]> WhenAll() => Task.WhenAll(StartChildren());

    [Benchmark(Description = "GatherAsync, N yielding tasks"), BenchmarkCategory("tasks")]
    public Task<int[]> Gather() => AsyncIO.GatherAsync(StartChildren());

    [Benchmark(Baseline = true, Description = "by hand: WhenAll + linked CTS, N delegates"), BenchmarkCategory("delegates")]
    public Task<int[]> WhenAllDelegates() => ByHand.WhenAllLinkedAsync(_work);

    [Benchmark(Description = "GatherAsync, N delegates"), BenchmarkCategory("delegates")]
    public Task<int[]> GatherDelegates() => AsyncIO.GatherAsync(_work);

    [Benchmark(Baseline = true, Description = "by hand: WhenAll + linked CTS + SemaphoreSlim(100), N delegates"), BenchmarkCategory("limited")]
    public Task<int[]> WhenAllDelegatesLimited() => ByHand.WhenAllLimitedAsync(_work, Workload.Limit);

    [Benchmark(Description = "GatherAsync, N delegates, maxConcurrency 100"), BenchmarkCategory("limited")]
    public Task<int[]> GatherDelegatesLimited() => AsyncIO.GatherAsync(_work, maxConcurrency: Workload.Limit);

    private Task<int>[] StartChildren()
    {
        var children = new Task<int>[Children];
        for (int i = 0; i < children.Length; i++)
        {
            children[i] = YieldThenReturnAsync(i);
        }

        return children;
    }

    private static async Task<int> YieldThenReturnAsync(int value)
    {
        await Task.Yield();
        return value;
    }
}
