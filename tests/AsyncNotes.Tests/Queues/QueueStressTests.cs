namespace AsyncNotes.Tests.Queues;

// On the thread pool: 8 producers and 8 consumers move 1,000,000 items through a bounded queue; every item arrives exactly
// once (count and checksum), JoinAsync completes, and a watchdog turns a lost wake-up into a failure instead of a hang.
public sealed class QueueStressTests
{
    private const int Producers = 8;
    private const int Consumers = 8;
    private const int Items = 1_000_000;

    [Fact]
    public async Task EightProducersEightConsumers_AMillionItems_EachArrivesOnce()
    {
        CancellationToken test = TestContext.Current.CancellationToken;
        var q = new AsyncQueue<int>(maxSize: 100);
        long sum = 0;
        int count = 0;
        var seen = new int[Items];

        Task[] producers = [.. Enumerable.Range(0, Producers).Select(p => Task.Run(
            async () =>
            {
                for (int i = p; i < Items; i += Producers)
                {
                    await q.PutAsync(i, test);
                }
            },
            test))];
        Task[] consumers = [.. Enumerable.Range(0, Consumers).Select(_ => Task.Run(
            async () =>
            {
                await foreach (int item in q.ReadAllAsync(test))
                {
                    Interlocked.Increment(ref seen[item]);
                    Interlocked.Add(ref sum, item);
                    Interlocked.Increment(ref count);
                    q.TaskDone();
                }
            },
            test))];

        TimeSpan watchdog = TimeSpan.FromSeconds(120);
        await Task.WhenAll(producers).WaitAsync(watchdog, test);
        await q.JoinAsync(test).WaitAsync(watchdog, test);
        q.Shutdown();
        await Task.WhenAll(consumers).WaitAsync(watchdog, test);

        count.Should().Be(Items);
        sum.Should().Be((long)Items * (Items - 1) / 2);
        seen.Should().OnlyContain(n => n == 1, "every item arrives exactly once");
        q.Count.Should().Be(0);
    }
}
