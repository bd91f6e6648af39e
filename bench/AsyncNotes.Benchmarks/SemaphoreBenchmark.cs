using AsyncNotes;
using BenchmarkDotNet.Attributes;

namespace AsyncNotes.Benchmarks;

/// <summary>
/// N tasks through a limit of 100, on the thread pool: <see cref="AsyncSemaphore"/> against <see cref="SemaphoreSlim"/>
/// (each task acquires, yields once, releases), and <see cref="AsyncIO.MapAsync{T, TResult}(IEnumerable{T}, Func{T, CancellationToken, Task{TResult}}, int, bool, CancellationToken)"/>
/// against the hand-written <see cref="SemaphoreSlim"/> plus <c>Task.WhenAll</c>.
/// </summary>
[MemoryDiagnoser]
public class SemaphoreBenchmark
{
    private const int Limit = 100;

    [Params(100_000)]
    public int Tasks { get; set; }

    [Benchmark(Baseline = true, Description = "SemaphoreSlim(100), N tasks + WhenAll")]
    public async Task SemaphoreSlimByHand()
    {
        using var sem = new SemaphoreSlim(Limit, Limit);
        var tasks = new Task<int>[Tasks];
        for (int i = 0; i < tasks.Length; i++)
        {
            tasks[i] = WithSlimAsync(sem, i);
        }

        await Task.WhenAll(tasks);
    }

    [Benchmark(Description = "AsyncSemaphore(100), N tasks + WhenAll")]
    public async Task AsyncSemaphoreByHand()
    {
        var sem = new AsyncSemaphore(Limit, bounded: true);
        var tasks = new Task<int>[Tasks];
        for (int i = 0; i < tasks.Length; i++)
        {
            tasks[i] = WithAsyncSemaphoreAsync(sem, i);
        }

        await Task.WhenAll(tasks);
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
