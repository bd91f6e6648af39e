using AsyncNotes;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace AsyncNotes.Benchmarks;

/// <summary>
/// What a <see cref="TaskGroup"/> costs over doing it by hand (<c>Task.WhenAll</c> plus a linked
/// <see cref="CancellationTokenSource"/> that a failure cancels): N trivial children (each yields once), on the thread pool
/// and on the event loop. On the loop there are two hand-made baselines: children started hot (plain async calls: no turn
/// before they run) and children started as the group starts them (<see cref="AsyncIO.CreateTask(Func{CancellationToken, Task}, string?, CancellationToken)"/>:
/// lazily, at the loop's next turn, known to the loop): the second is the baseline of the loop's category. Target: the
/// group within 1.5x of its baseline. The Python side: <c>bench/python/taskgroup_bench.py</c> (<c>asyncio.TaskGroup</c>).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class TaskGroupBenchmark
{
    [ParamsSource(nameof(Sizes))]
    public int Children { get; set; }

    public static IEnumerable<int> Sizes => Workload.Size(100_000);

    [Benchmark(Baseline = true, Description = "by hand: WhenAll + linked CTS, thread pool"), BenchmarkCategory("pool")]
    public Task ByHandOnThePool() => ByHandAsync(token => Task.Run(() => ChildAsync(token), token));

    [Benchmark(Description = "TaskGroup, thread pool"), BenchmarkCategory("pool")]
    public Task GroupOnThePool() => GroupAsync();

    [Benchmark(Description = "by hand: WhenAll + linked CTS, hot children, event loop"), BenchmarkCategory("loop")]
    public void ByHandHotOnTheLoop() => AsyncIO.Run(() => ByHandAsync(ChildAsync), EventLoopOptions.Virtual);

    [Benchmark(Baseline = true, Description = "by hand: WhenAll + linked CTS, CreateTask children, event loop"), BenchmarkCategory("loop")]
    public void ByHandCreateTaskOnTheLoop() =>
        AsyncIO.Run(() => ByHandAsync(token => AsyncIO.CreateTask(ChildAsync, cancellationToken: token)), EventLoopOptions.Virtual);

    [Benchmark(Description = "TaskGroup, event loop"), BenchmarkCategory("loop")]
    public void GroupOnTheLoop() => AsyncIO.Run(GroupAsync, EventLoopOptions.Virtual);

    private async Task ByHandAsync(Func<CancellationToken, Task> start)
    {
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(CancellationToken.None);
        var children = new Task[Children];
        for (int i = 0; i < children.Length; i++)
        {
            children[i] = start(cancellation.Token);
        }

        try
        {
            await Task.WhenAll(children);
        }
        catch
        {
            await cancellation.CancelAsync();
            throw;
        }
    }

    private Task GroupAsync() => TaskGroup.RunAsync(tg =>
    {
        for (int i = 0; i < Children; i++)
        {
            _ = tg.CreateTask(ChildAsync);
        }

        return Task.CompletedTask;
    });

    private static async Task ChildAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
    }
}
