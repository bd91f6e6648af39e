using System.Buffers;
using CsCheck;
using FluentAssertions;
using Xunit;

namespace AsyncNotes.Tests.Internal;

/// <summary>The loop's timer heap pops by (due, arming order) and removes any entry by its handle, whatever the mix of
/// operations: checked against a sorted list, for random plans with many equal due times.</summary>
public sealed class TimerHeapTests
{
    // One step of a plan (dues from a small range, so that ties are common but a removal can still need to move the last
    // entry up): 0 arms a new entry for Due (a re-arm of a removed one, when Pick finds one), 1 removes the armed
    // entry Pick points at, 2 pops the earliest.
    private sealed record Step(int Kind, long Due, int Pick);

    private static readonly Gen<Step[]> GenPlan = Gen.Select(Gen.Int[0, 2], Gen.Long[0, 40], Gen.Int[0, 1000], (k, d, p) => new Step(k, d, p))
        .Array[1, 400];

    [Fact]
    public void RandomPlans_PopInDueThenArmingOrder_AndRemoveByHandle() =>
        GenPlan.Sample(RunPlan, iter: 300, threads: 1);

    [Fact]
    public void Clear_DisarmsEveryEntry_AndTheHeapWorksAgainAfterwards()
    {
        var heap = new TimerHeap();
        Entry[] entries = [.. Enumerable.Range(0, 40).Select(i => new Entry(i))];
        foreach (Entry entry in entries)
        {
            heap.Add(entry, 7);
        }

        heap.Clear();

        heap.Count.Should().Be(0);
        entries.Select(e => e.HeapIndex).Should().AllBeEquivalentTo(-1);
        heap.TryPeek(out _, out _).Should().BeFalse();

        heap.Add(entries[3], 1);
        heap.TryPeek(out ITimerHeapEntry first, out long due).Should().BeTrue();
        first.Should().BeSameAs(entries[3]);
        due.Should().Be(1);
    }

    // The storage: every array rented goes back to the pool, cleared, when the heap grows past it or is cleared, except
    // arrays longer than MaxPooledLength, which are never rented and never given back (what a loop parks in the pool
    // between runs stays bounded).
    [Fact]
    public void Storage_GoesBackToThePoolCleared_UpToTheLongestPooledArray()
    {
        var pool = new RecordingPool();
        var heap = new TimerHeap(pool);
        int count = (TimerHeap.MaxPooledLength * 2) + 1;
        for (int i = 0; i < count; i++)
        {
            heap.Add(new Entry(i), i);
        }

        heap.Clear();

        pool.Rented.Should().NotBeEmpty().And.OnlyContain(a => a.Length <= TimerHeap.MaxPooledLength);
        pool.Returned.Should().Equal(pool.Rented, ReferenceEquals, "each rented array comes back once, in order");
        pool.Returned.Should().OnlyContain(a => a.All(e => e.Timer == null), "no timer stays referenced from the pool");
    }

    private static void RunPlan(Step[] plan)
    {
        var heap = new TimerHeap();
        var model = new List<(long Due, long Order, Entry Entry)>();
        var idle = new List<Entry>();
        long order = 0;
        int created = 0;
        foreach (Step step in plan)
        {
            switch (step.Kind)
            {
                case 0:
                    Entry added;
                    if (idle.Count > 0 && step.Pick % 2 == 0)
                    {
                        added = idle[step.Pick % idle.Count];
                        idle.Remove(added);
                    }
                    else
                    {
                        added = new Entry(created++);
                    }

                    heap.Add(added, step.Due);
                    model.Add((step.Due, order++, added));
                    break;
                case 1 when model.Count > 0:
                    var removed = model[step.Pick % model.Count];
                    heap.Remove(removed.Entry);
                    heap.Remove(removed.Entry); // a second removal does nothing
                    model.Remove(removed);
                    idle.Add(removed.Entry);
                    Assert.Equal(-1, removed.Entry.HeapIndex);
                    break;
                case 2 when model.Count > 0:
                    var earliest = model.OrderBy(m => m.Due).ThenBy(m => m.Order).First();
                    Assert.True(heap.TryPeek(out ITimerHeapEntry top, out long due));
                    Assert.Same(earliest.Entry, top);
                    Assert.Equal(earliest.Due, due);
                    heap.Remove(top);
                    model.Remove(earliest);
                    idle.Add(earliest.Entry);
                    break;
            }

            // Plain asserts per step (FluentAssertions compiles its predicates, which made the plans take seconds).
            Assert.Equal(model.Count, heap.Count);
            Assert.All(model, m => Assert.InRange(m.Entry.HeapIndex, 0, heap.Count - 1)); // every armed entry knows its slot
        }

        // Drains in order.
        foreach (var expected in model.OrderBy(m => m.Due).ThenBy(m => m.Order))
        {
            heap.TryPeek(out ITimerHeapEntry top, out _).Should().BeTrue();
            top.Should().BeSameAs(expected.Entry);
            heap.Remove(top);
        }

        heap.Count.Should().Be(0);
    }

    private sealed class RecordingPool : ArrayPool<TimerHeap.Entry>
    {
        public List<TimerHeap.Entry[]> Rented { get; } = [];

        public List<TimerHeap.Entry[]> Returned { get; } = [];

        public override TimerHeap.Entry[] Rent(int minimumLength)
        {
            var array = new TimerHeap.Entry[minimumLength];
            Rented.Add(array);
            return array;
        }

        public override void Return(TimerHeap.Entry[] array, bool clearArray = false)
        {
            if (clearArray)
            {
                Array.Clear(array);
            }

            Returned.Add(array);
        }
    }

    private sealed class Entry(int id) : ITimerHeapEntry
    {
        public int HeapIndex { get; set; } = -1;

        public override string ToString() => $"entry {id}";
    }
}
