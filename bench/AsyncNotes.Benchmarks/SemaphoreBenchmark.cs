using AsyncNotes;
using BenchmarkDotNet.Attributes;

namespace AsyncNotes.Benchmarks;

/// <summary>
/// N tasks through a limit of 100, on the thread pool, all against one baseline: bare <see cref="SemaphoreSlim"/> (each
/// task waits, yields once, releases) plus <c>Task.WhenAll</c>, the hand-written limiter.
/// <list type="bullet">
///   <item>The semaphores: <see cref="SemaphoreSlimExtensions.AcquireAsync(SemaphoreSlim, CancellationToken)"/> (the
///   same semaphore, released by a <c>using</c>) and <see cref="AsyncSemaphore"/> (asyncio's rules; target 1.5x).</item>
///   <item>The bounded maps: <see cref="AsyncIO.MapAsync{T, TResult}(IEnumerable{T}, Func{T, CancellationToken, Task{TResult}}, int, bool, CancellationToken)"/>
///   in input and in completion order (target 1.3x), beside <c>Parallel.ForEachAsync</c> and the hand-written limiter
///   with a linked token that a failure cancels (what fail-fast costs by hand).</item>
/// </list>
/// The Python side: <c>bench/python/semaphore_bench.py</c>.
/// </summary>
[MemoryDiagnoser]
public class SemaphoreBenchmark
{
    private const int Limit = Workload.Limit;
    private Func<CancellationToken, Task<int>>[] _work = [];

    [ParamsSource(nameof(Sizes))]
    public int Tasks { get; set; }

    public static IEnumerable<int> Sizes => Workload.Size(100_000);

    [GlobalSetup]
    public void Setup() =>
        _work = [.. Enumerable.Range(0, Tasks).Select(i => (Func<CancellationToken, Task<int>>)(_ => WorkAsync(i)))];

    [Benchmark(Baseline = true, Description = "SemaphoreSlim(100), N tasks + WhenAll")]
    public async Task<int[]> SemaphoreSlimByHand()
    {
        using var sem = new SemaphoreSlim(Limit, Limit);
        return await AllAsync(sem, WithSlimAsync);
    }

    [Benchmark(Description = "SemaphoreSlim(100).AcquireAsync, N tasks + WhenAll")]
    public async Task<int[]> SemaphoreSlimAcquire()
    {
        using var sem = new SemaphoreSlim(Limit, Limit);
        return await AllAsync(sem, WithAcquireAsync);
    }

    [Benchmark(Description = "AsyncSemaphore(100), N tasks + WhenAll")]
    public Task<int[]> AsyncSemaphoreByHand() => AllAsync(new AsyncSemaphore(Limit, bounded: true), WithAsyncSemaphoreAsync);

    [Benchmark(Description = "by hand: SemaphoreSlim(100) + linked CTS, N delegates + WhenAll")]
    public Task<int[]> LimiterWithLinkedToken() => ByHand.WhenAllLimitedAsync(_work, Limit);

    [Benchmark(Description = "Parallel.ForEachAsync(MaxDegreeOfParallelism 100)")]
    public async Task<int[]> ParallelForEach()
    {
        var results = new int[Tasks];
        var options = new ParallelOptions { MaxDegreeOfParallelism = Limit };
        await Parallel.ForEachAsync(Enumerable.Range(0, Tasks), options, async (i, _) => results[i] = await WorkAsync(i));
        return results;
    }

    [Benchmark(Description = "MapAsync(maxConcurrency: 100), ordered")]
    public async Task<int> MapOrdered()
    {
        int count = 0;
        await foreach (int _ in AsyncIO.MapAsync(Enumerable.Range(0, Tasks), (i, _) => WorkAsync(i), Limit))
        {
            count++;
        }

        return count;
    }

    [Benchmark(Description = "MapAsync(maxConcurrency: 100), completion order")]
    public async Task<int> MapUnordered()
    {
        int count = 0;
        await foreach (int _ in AsyncIO.MapAsync(Enumerable.Range(0, Tasks), (i, _) => WorkAsync(i), Limit, ordered: false))
        {
            count++;
        }

        return count;
    }

    // N tasks, each started as run(semaphore, index); their results.
    private async Task<int[]> AllAsync<TSemaphore>(TSemaphore sem, Func<TSemaphore, int, Task<int>> run)
    {
        var tasks = new Task<int>[Tasks];
        for (int i = 0; i < tasks.Length; i++)
        {
            tasks[i] = run(sem, i);
        }

        return await Task.WhenAll(tasks);
    }

    private static async Task<int> WithSlimAsync(SemaphoreSlim sem, int value)
    {
        await sem.WaitAsync();
        try
        {
            return await WorkAsync(value);
        }
        finally
        {
            sem.Release();
        }
    }

    private static async Task<int> WithAcquireAsync(SemaphoreSlim sem, int value)
    {
        using (await sem.AcquireAsync())
        {
            return await WorkAsync(value);
        }
    }

    private static async Task<int> WithAsyncSemaphoreAsync(AsyncSemaphore sem, int value)
    {
        using (await sem.AcquireAsync())
        {
            return await WorkAsync(value);
        }
    }

    private static async Task<int> WorkAsync(int value)
    {
        await Task.Yield();
        return value;
    }
}
