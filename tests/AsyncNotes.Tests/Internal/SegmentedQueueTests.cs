using FluentAssertions;
using Xunit;

namespace AsyncNotes.Tests.Internal;

/// <summary>The loop's ready queue keeps first-in, first-out order across its segments (1,024 items each).</summary>
public sealed class SegmentedQueueTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(1023)]
    [InlineData(1024)]
    [InlineData(1025)]
    [InlineData(5000)]
    public void FillThenDrain_KeepsOrder(int count)
    {
        var queue = new SegmentedQueue<int>();
        for (int i = 0; i < count; i++)
        {
            queue.Enqueue(i);
        }

        queue.Count.Should().Be(count);
        var taken = new List<int>();
        while (queue.Count > 0)
        {
            taken.Add(queue.Dequeue());
        }

        taken.Should().Equal(Enumerable.Range(0, count));
    }

    [Fact]
    public void Interleaved_AcrossSegmentBoundaries_KeepsOrder()
    {
        // Puts three and takes two, repeatedly: the head crosses segment boundaries while the tail is further on, and the
        // emptied segment is reused as the tail grows.
        var queue = new SegmentedQueue<int>();
        var taken = new List<int>();
        int next = 0;
        for (int round = 0; round < 3000; round++)
        {
            queue.Enqueue(next++);
            queue.Enqueue(next++);
            queue.Enqueue(next++);
            taken.Add(queue.Dequeue());
            taken.Add(queue.Dequeue());
        }

        while (queue.Count > 0)
        {
            taken.Add(queue.Dequeue());
        }

        taken.Should().Equal(Enumerable.Range(0, next));
    }

    [Fact]
    public void Dequeue_WhenEmpty_Throws()
    {
        var queue = new SegmentedQueue<string>();
        queue.Enqueue("a");
        queue.Dequeue().Should().Be("a");

        FluentActions.Invoking(() => queue.Dequeue()).Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void Clear_EmptiesTheQueue_AndItStaysUsable()
    {
        var queue = new SegmentedQueue<int>();
        for (int i = 0; i < 2500; i++)
        {
            queue.Enqueue(i);
        }

        queue.Clear();
        queue.Count.Should().Be(0);
        queue.Enqueue(7);
        queue.Dequeue().Should().Be(7);
        queue.Clear();
        queue.Clear(); // a queue with no storage left clears too
        queue.Enqueue(8);
        queue.Dequeue().Should().Be(8);
    }

    // The segments' arrays go back to the pool cleared of every item taken: a reference type's items are not kept alive by
    // the pool (or by a later renter) once they were dequeued or cleared.
    [Fact]
    public void ItemsTakenOrCleared_AreNotKeptAlive_ByTheSegmentsGivenBack()
    {
        var queue = new SegmentedQueue<object>();
        WeakReference[] taken = FillAndDrain(queue, 3000, 2000);
        queue.Clear();

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        taken.Should().OnlyContain(w => !w.IsAlive);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference[] FillAndDrain(SegmentedQueue<object> queue, int count, int take)
    {
        var all = new WeakReference[count];
        for (int i = 0; i < count; i++)
        {
            object item = new();
            all[i] = new WeakReference(item);
            queue.Enqueue(item);
        }

        for (int i = 0; i < take; i++)
        {
            _ = queue.Dequeue();
        }

        return all;
    }
}
