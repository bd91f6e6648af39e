using AsyncNotes.Tests.Infrastructure;
using static AsyncNotes.Tests.Infrastructure.TestLoop;

namespace AsyncNotes.Tests.Queues;

// The queue contract, once, run for each of the three queues with its expected order as the parameter (CASES QU-01 to
// QU-15 hold for all three kinds).
public abstract class QueueContractTests
{
    /// <summary>Creates the queue under test.</summary>
    protected abstract AsyncQueue<int> Create(int maxSize = 0);

    /// <summary>The order in which the queue gives back <paramref name="input"/>.</summary>
    protected abstract IEnumerable<int> Expected(int[] input);

    [Fact]
    public void GivesItemsBackInItsOrder()
    {
        int[] input = [1, 3, 2, 5, 4];
        AsyncQueue<int> q = Create();
        foreach (int item in input)
        {
            q.TryPut(item).Should().BeTrue();
        }

        var output = new List<int>();
        while (q.TryGet(out int item))
        {
            output.Add(item);
        }

        output.Should().Equal(Expected(input));
    }

    [Fact]
    public void Bounded_APutWaitsForRoom_AndCompletesInTheInstantOfTheGet()
    {
        RunVirtual(async () =>
        {
            AsyncQueue<int> q = Create(maxSize: 1);
            await q.PutAsync(1);
            Task blocked = q.PutAsync(2);
            _ = AsyncIO.CreateTask(async ct =>
            {
                await AsyncIO.SleepAsync(Seconds(1), ct);
                _ = await q.GetAsync(ct);
            });
            await blocked;
            Now.Should().Be(Seconds(1));
            q.Count.Should().Be(1);
        });
    }

    [Fact]
    public void GettersWaitInLine_AndACancelledOneNeverLosesAnItem()
    {
        var got = new List<string>();
        RunVirtual(async () =>
        {
            AsyncQueue<int> q = Create();
            using var cancelFirst = new CancellationTokenSource();
            Task<int> first = q.GetAsync(cancelFirst.Token);
            Task<int> second = q.GetAsync();
            _ = q.TryPut(7);
            cancelFirst.CancelOnLoop(); // woken by the put, cancelled before it ran: the item goes to the next getter
            await first.Awaiting(f => f).Should().ThrowAsync<OperationCanceledException>();
            (await second).Should().Be(7);
            q.Count.Should().Be(0);
        });
    }

    [Fact]
    public void JoinWaitsForTaskDone_ShutdownEndsReadAll()
    {
        RunVirtual(async () =>
        {
            AsyncQueue<int> q = Create(maxSize: 2);
            int consumed = 0;
            Task consumer = AsyncIO.CreateTask(async ct =>
            {
                await foreach (int _ in q.ReadAllAsync(ct))
                {
                    await AsyncIO.SleepAsync(Seconds(1), ct);
                    consumed++;
                    q.TaskDone();
                }
            });
            for (int i = 0; i < 4; i++)
            {
                await q.PutAsync(i);
            }

            await q.JoinAsync();
            consumed.Should().Be(4);
            Now.Should().Be(Seconds(4));
            q.Shutdown();
            await consumer;
            Action extra = q.TaskDone;
            extra.Should().Throw<InvalidOperationException>();
        });
    }

    [Fact]
    public void ShutdownImmediate_DropsWhatIsLeft_AndEveryWaiterThrows()
    {
        RunVirtual(async () =>
        {
            AsyncQueue<int> q = Create(maxSize: 1);
            _ = q.TryPut(1);
            Task putter = q.PutAsync(2);
            q.Shutdown(immediate: true);
            await putter.Awaiting(p => p).Should().ThrowAsync<QueueShutDownException>();
            Func<Task> get = () => q.GetAsync();
            await get.Should().ThrowAsync<QueueShutDownException>();
            await q.JoinAsync();
        });
    }
}

public sealed class FifoQueueContractTests : QueueContractTests
{
    protected override AsyncQueue<int> Create(int maxSize = 0) => new(maxSize);

    protected override IEnumerable<int> Expected(int[] input) => input;
}

public sealed class LifoQueueContractTests : QueueContractTests
{
    protected override AsyncQueue<int> Create(int maxSize = 0) => new AsyncLifoQueue<int>(maxSize);

    protected override IEnumerable<int> Expected(int[] input) => input.Reverse();
}

public sealed class PriorityQueueContractTests : QueueContractTests
{
    protected override AsyncQueue<int> Create(int maxSize = 0) => new AsyncPriorityQueue<int>(maxSize);

    protected override IEnumerable<int> Expected(int[] input) => input.Order();
}
