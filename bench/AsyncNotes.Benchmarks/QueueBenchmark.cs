using System.Threading.Channels;
using AsyncNotes;
using BenchmarkDotNet.Attributes;

namespace AsyncNotes.Benchmarks;

/// <summary>
/// N items through a queue, bounded at 100 or unbounded (<see cref="MaxSize"/> 0, asyncio's <c>maxsize=0</c>), by one
/// producer and one consumer or four of each: <see cref="AsyncQueue{T}"/> against a <see cref="Channel{T}"/> on the thread
/// pool, and <see cref="AsyncQueue{T}"/> on the event loop (beside asyncio's <c>Queue</c> on the same work, measured by
/// <c>bench/python/queue_bench.py</c>). Target: the bounded queue at least 0.7x the channel's throughput.
/// </summary>
[MemoryDiagnoser]
public class QueueBenchmark
{
    [ParamsSource(nameof(Sizes))]
    public int Items { get; set; }

    public static IEnumerable<int> Sizes => Workload.Size(1_000_000);

    /// <summary>The queue's bound; 0 is unbounded.</summary>
    [Params(100, 0)]
    public int MaxSize { get; set; }

    /// <summary>Producers, and as many consumers; each producer puts <see cref="Items"/> / this many.</summary>
    [Params(1, 4)]
    public int Producers { get; set; }

    [Benchmark(Baseline = true, Description = "Channel, thread pool")]
    public async Task<long> Channel()
    {
        Channel<int> channel = MaxSize > 0
            ? System.Threading.Channels.Channel.CreateBounded<int>(new BoundedChannelOptions(MaxSize) { SingleReader = Producers == 1, SingleWriter = Producers == 1 })
            : System.Threading.Channels.Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = Producers == 1, SingleWriter = Producers == 1 });
        Task[] producers = Start(Producers, first => Task.Run(async () =>
        {
            for (int i = first; i < Items; i += Producers)
            {
                await channel.Writer.WriteAsync(i);
            }
        }));
        Task<long>[] consumers = Start(Producers, _ => Task.Run(async () =>
        {
            long sum = 0;
            await foreach (int item in channel.Reader.ReadAllAsync())
            {
                sum += item;
            }

            return sum;
        }));
        await Task.WhenAll(producers);
        channel.Writer.Complete();
        return (await Task.WhenAll(consumers)).Sum();
    }

    [Benchmark(Description = "AsyncQueue, thread pool")]
    public Task<long> QueueOnThePool() => ThroughQueueAsync(work => Task.Run(() => work(CancellationToken.None)));

    [Benchmark(Description = "AsyncQueue, event loop")]
    public long QueueOnTheLoop() => AsyncIO.Run(() => ThroughQueueAsync(work => AsyncIO.CreateTask(work)));

    // The producers and consumers of an AsyncQueue, each started by `start` (on the pool, or as loop tasks).
    private async Task<long> ThroughQueueAsync(Func<Func<CancellationToken, Task>, Task> start)
    {
        var queue = new AsyncQueue<int>(MaxSize);
        var sums = new long[Producers];
        Task[] producers = Start(Producers, first => start(async ct =>
        {
            for (int i = first; i < Items; i += Producers)
            {
                await queue.PutAsync(i, ct);
            }
        }));
        Task[] consumers = Start(Producers, index => start(async ct =>
        {
            long sum = 0;
            await foreach (int item in queue.ReadAllAsync(ct))
            {
                sum += item;
            }

            sums[index] = sum;
        }));
        await Task.WhenAll(producers);
        queue.Shutdown();
        await Task.WhenAll(consumers);
        return sums.Sum();
    }

    private static TTask[] Start<TTask>(int count, Func<int, TTask> start)
    {
        var tasks = new TTask[count];
        for (int i = 0; i < count; i++)
        {
            tasks[i] = start(i);
        }

        return tasks;
    }
}
