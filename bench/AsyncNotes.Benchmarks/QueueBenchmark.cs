using System.Threading.Channels;
using AsyncNotes;
using BenchmarkDotNet.Attributes;

namespace AsyncNotes.Benchmarks;

/// <summary>
/// A bounded queue of 100, one producer and one consumer, N items: <see cref="AsyncQueue{T}"/> against a bounded
/// <see cref="Channel{T}"/> on the thread pool, and <see cref="AsyncQueue{T}"/> on the event loop (to set beside asyncio's
/// <c>Queue(100)</c> on the same work, measured by <c>bench/python/queue_bench.py</c>).
/// </summary>
[MemoryDiagnoser]
public class QueueBenchmark
{
    private const int Bound = 100;

    [Params(1_000_000)]
    public int Items { get; set; }

    [Benchmark(Baseline = true, Description = "Channel.CreateBounded(100), thread pool")]
    public async Task<long> Channel()
    {
        var channel = System.Threading.Channels.Channel.CreateBounded<int>(new BoundedChannelOptions(Bound) { SingleReader = true, SingleWriter = true });
        Task producer = Task.Run(async () =>
        {
            for (int i = 0; i < Items; i++)
            {
                await channel.Writer.WriteAsync(i);
            }

            channel.Writer.Complete();
        });
        long sum = 0;
        await foreach (int item in channel.Reader.ReadAllAsync())
        {
            sum += item;
        }

        await producer;
        return sum;
    }

    [Benchmark(Description = "AsyncQueue(100), thread pool")]
    public async Task<long> QueueOnThePool()
    {
        var queue = new AsyncQueue<int>(Bound);
        Task producer = Task.Run(async () =>
        {
            for (int i = 0; i < Items; i++)
            {
                await queue.PutAsync(i);
            }

            queue.Shutdown();
        });
        long sum = 0;
        await foreach (int item in queue.ReadAllAsync())
        {
            sum += item;
        }

        await producer;
        return sum;
    }

    [Benchmark(Description = "AsyncQueue(100), event loop")]
    public long QueueOnTheLoop() => AsyncIO.Run(async () =>
    {
        var queue = new AsyncQueue<int>(Bound);
        Task producer = AsyncIO.CreateTask(async ct =>
        {
            for (int i = 0; i < Items; i++)
            {
                await queue.PutAsync(i, ct);
            }

            queue.Shutdown();
        });
        long sum = 0;
        await foreach (int item in queue.ReadAllAsync())
        {
            sum += item;
        }

        await producer;
        return sum;
    });
}
