using AsyncNotes.Tests.Infrastructure;
using static AsyncNotes.Tests.Infrastructure.TestLoop;

namespace AsyncNotes.Tests.Queues;

// AsyncQueue's rules (CASES section 9, QU). Traces 60, 62, 64 and 65 are in Conformance.
public sealed class AsyncQueueTests
{
    // QU-01, QU-04
    [Fact]
    public void CountEmptyFull_FifoOrder_AndTheNowaitFormsReturnFalse()
    {
        var q = new AsyncQueue<int>(maxSize: 2);
        q.IsEmpty.Should().BeTrue();
        q.TryGet(out _).Should().BeFalse();
        q.TryPut(1).Should().BeTrue();
        q.TryPut(3).Should().BeTrue();
        q.IsFull.Should().BeTrue();
        q.TryPut(2).Should().BeFalse();
        q.Count.Should().Be(2);
        q.TryGet(out int first).Should().BeTrue();
        q.TryGet(out int second).Should().BeTrue();
        (first, second).Should().Be((1, 3));
        new AsyncQueue<int>().IsFull.Should().BeFalse("maxSize 0 is unbounded");
    }

    // QU-06
    [Fact]
    public void TheNowaitGetWakesAWaitingPutter()
    {
        RunVirtual(async () =>
        {
            var q = new AsyncQueue<int>(maxSize: 1);
            _ = q.TryPut(1);
            Task put = q.PutAsync(2);
            put.IsCompleted.Should().BeFalse();
            q.TryGet(out int got).Should().BeTrue();
            got.Should().Be(1);
            await put;
            q.TryGet(out got).Should().BeTrue();
            got.Should().Be(2);
        });
    }

    // QU-07
    [Fact]
    public void CancelledPutters_AreNotHeld_AndPutNothing()
    {
        RunVirtual(async () =>
        {
            var q = new AsyncQueue<int>(maxSize: 1);
            _ = q.TryPut(1);
            using var cancel = new CancellationTokenSource();
            Task put = q.PutAsync(2, cancel.Token);
            cancel.CancelOnLoop();
            await put.Awaiting(p => p).Should().ThrowAsync<OperationCanceledException>();
            q.TryGet(out _).Should().BeTrue();
            q.TryPut(3).Should().BeTrue("the cancelled putter took no room");
            q.Count.Should().Be(1);
            q.UnfinishedTasks.Should().Be(2, "two items were put");
        });
    }

    // QU-14
    [Fact]
    public void ShutdownEmpty_EveryPathThrows_AndWaitersWakeToThrow()
    {
        RunVirtual(async () =>
        {
            var q = new AsyncQueue<int>(maxSize: 1);
            Task<int> getter = AsyncIO.CreateTask(q.GetAsync);
            await AsyncIO.SleepAsync(TimeSpan.Zero);
            q.Shutdown();
            await getter.Awaiting(g => g).Should().ThrowAsync<QueueShutDownException>();
            Func<Task> put = () => q.PutAsync(1);
            await put.Should().ThrowAsync<QueueShutDownException>();
            Action tryPut = () => q.TryPut(1);
            tryPut.Should().Throw<QueueShutDownException>();
            Action tryGet = () => q.TryGet(out _);
            tryGet.Should().Throw<QueueShutDownException>();
            q.IsShutDown.Should().BeTrue();
        });
    }

    // QU-15
    [Fact]
    public void ShutdownNonEmpty_ReadersDrainThenThrow_JoinWaitsForTaskDone()
    {
        RunVirtual(async () =>
        {
            var q = new AsyncQueue<string>();
            _ = q.TryPut("a");
            _ = q.TryPut("b");
            q.Shutdown();
            var drained = new List<string>();
            await foreach (string item in q.ReadAllAsync())
            {
                drained.Add(item);
                q.TaskDone();
            }

            drained.Should().Equal("a", "b");
            await q.JoinAsync();
            Action extra = q.TaskDone;
            extra.Should().Throw<InvalidOperationException>();
        });
    }

    [Fact]
    public void ShutdownImmediate_DropsTheItems_CountsThemDone_AndReleasesJoin()
    {
        RunVirtual(async () =>
        {
            var q = new AsyncQueue<int>();
            _ = q.TryPut(1);
            _ = q.TryPut(2);
            Task join = AsyncIO.CreateTask(q.JoinAsync);
            await AsyncIO.SleepAsync(Seconds(1));
            join.IsCompleted.Should().BeFalse();
            q.Shutdown(immediate: true);
            await join;
            q.Count.Should().Be(0);
            Now.Should().Be(Seconds(1));
        });
    }

    // QU-13, for every kind
    [Fact]
    public void JoinAndTaskDone_WorkForLifoAndPriorityQueuesAlike()
    {
        RunVirtual(async () =>
        {
            foreach (AsyncQueue<int> q in new AsyncQueue<int>[] { new(), new AsyncLifoQueue<int>(), new AsyncPriorityQueue<int>() })
            {
                _ = q.TryPut(1);
                _ = q.TryPut(3);
                _ = q.TryPut(2);
                Task join = q.JoinAsync();
                var order = new List<int>();
                while (q.TryGet(out int item))
                {
                    order.Add(item);
                    q.TaskDone();
                }

                await join;
                order.Should().Equal(q is AsyncLifoQueue<int> ? [2, 3, 1] : q is AsyncPriorityQueue<int> ? [1, 2, 3] : [1, 3, 2]);
            }
        });
    }

    [Fact]
    public void PriorityQueues_EqualPrioritiesComeOutFirstInFirstOut()
    {
        var byElement = new AsyncPriorityQueue<string, int>();
        foreach ((string element, int priority) in new[] { ("write", 2), ("read-1", 1), ("flush", 2), ("read-2", 1), ("urgent", 0), ("close", 2) })
        {
            byElement.TryPut(element, priority).Should().BeTrue();
        }

        var order = new List<string>();
        while (byElement.TryGet(out (string Element, int Priority) next))
        {
            order.Add(next.Element);
        }

        order.Should().Equal("urgent", "read-1", "read-2", "write", "flush", "close");

        var byItem = new AsyncPriorityQueue<int>(comparer: Comparer<int>.Create((a, b) => (a / 10).CompareTo(b / 10)));
        foreach (int item in new[] { 15, 12, 3, 18, 1 })
        {
            _ = byItem.TryPut(item);
        }

        var items = new List<int>();
        while (byItem.TryGet(out int item))
        {
            items.Add(item);
        }

        items.Should().Equal(3, 1, 15, 12, 18);
    }

    [Fact]
    public void NegativeMaxSize_IsRefusedAtTheCall()
    {
        Action negative = () => _ = new AsyncQueue<int>(-1);
        negative.Should().Throw<ArgumentOutOfRangeException>();
        Action lifo = () => _ = new AsyncLifoQueue<int>(-1);
        lifo.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void ReadAllAsync_EndsAtShutdown_TheSentinelsReplacement()
    {
        var got = new List<int>();
        RunVirtual(async () =>
        {
            var q = new AsyncQueue<int>(maxSize: 2);
            Task consumer = AsyncIO.CreateTask(async ct =>
            {
                await foreach (int item in q.ReadAllAsync(ct))
                {
                    got.Add(item);
                    q.TaskDone();
                }
            });
            for (int i = 0; i < 5; i++)
            {
                await q.PutAsync(i);
            }

            await q.JoinAsync();
            q.Shutdown();
            await consumer;
        });

        got.Should().Equal(0, 1, 2, 3, 4);
    }

    // The reader takes items that are already there without a task of its own; a cancelled token still stops it before the
    // next item, as GetAsync's does, and the items it did not take stay in the queue.
    [Fact]
    public async Task ReadAllAsync_CancelledWhileItemsWait_StopsBeforeTheNextItem_AndLeavesThemQueued()
    {
        var q = new AsyncQueue<int>();
        for (int i = 0; i < 5; i++)
        {
            q.TryPut(i).Should().BeTrue();
        }

        using var cancellation = new CancellationTokenSource();
        var got = new List<int>();
        Func<Task> read = async () =>
        {
            await foreach (int item in q.ReadAllAsync(cancellation.Token))
            {
                got.Add(item);
                if (item == 1)
                {
                    await cancellation.CancelAsync();
                }
            }
        };

        await read.Should().ThrowAsync<OperationCanceledException>();
        got.Should().Equal(0, 1);
        q.Count.Should().Be(3);
        q.UnfinishedTasks.Should().Be(5, "taking an item does not mark it done");
    }

    // Put marks the queue unfinished only on its way from none to one (the event is set exactly while nothing is
    // unfinished): JoinAsync waits across several puts and completes at the last TaskDone.
    [Fact]
    public void JoinAsync_WaitsForEveryItemPut_AcrossSeveralPuts()
    {
        var log = new List<string>();
        RunVirtual(async () =>
        {
            var q = new AsyncQueue<int>();
            for (int i = 0; i < 3; i++)
            {
                q.TryPut(i).Should().BeTrue();
            }

            Task join = q.JoinAsync();
            for (int i = 0; i < 3; i++)
            {
                q.TryGet(out _).Should().BeTrue();
                q.TaskDone();
                await AsyncIO.SleepAsync(TimeSpan.Zero);
                log.Add($"done {i + 1}: join {(join.IsCompleted ? "complete" : "waiting")}");
            }

            await join;
            q.TryPut(9).Should().BeTrue();
            q.JoinAsync().IsCompleted.Should().BeFalse("a put after the join makes the queue unfinished again");
        });

        log.Should().Equal("done 1: join waiting", "done 2: join waiting", "done 3: join complete");
    }

    // Found by review: the BCL heap grew before it compared, so an item that could not be compared left a phantom behind.
    [Fact]
    public void PriorityQueue_AnItemThatCannotBeCompared_IsRefusedAndLeavesNoTrace()
    {
        var q = new AsyncPriorityQueue<object>();
        q.TryPut(5).Should().BeTrue();
        Action incomparable = () => q.TryPut("a");
        incomparable.Should().Throw<ArgumentException>();
        q.Count.Should().Be(1);
        q.UnfinishedTasks.Should().Be(1);
        q.TryGet(out object? only).Should().BeTrue();
        only.Should().Be(5);
        q.TryGet(out _).Should().BeFalse();
    }

    [Fact]
    public void PriorityQueue_ManyItems_ComeOutSorted_EqualOnesInInsertionOrder()
    {
        var q = new AsyncPriorityQueue<string, int>();
        var random = new Random(7);
        var put = new List<(string, int)>();
        for (int i = 0; i < 2_000; i++)
        {
            int priority = random.Next(50);
            put.Add(($"{i}", priority));
            _ = q.TryPut($"{i}", priority);
        }

        var got = new List<(string, int)>();
        while (q.TryGet(out (string Element, int Priority) next))
        {
            got.Add(next);
        }

        got.Should().Equal(put.OrderBy(p => p.Item2)); // OrderBy is stable: equal priorities keep insertion order
    }
}
