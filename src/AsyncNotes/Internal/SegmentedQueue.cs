using System.Buffers;

namespace AsyncNotes;

/// <summary>A first-in, first-out queue kept in fixed-size segments: the loop's ready queue.</summary>
/// <remarks>
/// <para>Why not <see cref="Queue{T}"/>: a queue that grows to a hundred thousand callbacks in one turn doubles its array
/// seventeen times, copying every item each time, and from about four thousand items each new array lands on the large
/// object heap, whose allocations count towards full (generation 2) collections. Segments never move an item, stay below
/// the large object threshold, and the one just emptied is kept for the next to fill, so a queue that stays short allocates
/// nothing.</para>
/// <para>The segments' arrays are rented from <see cref="ArrayPool{T}.Shared"/>: an emptied segment other than the spare
/// goes back at once, and <see cref="Clear"/> (the loop closing) gives back every one. A burst of callbacks then reuses
/// arrays that are already old instead of allocating new ones for the collector to promote with the callbacks' own objects:
/// in a harness that alternates the two, 100,000 tasks yielding once on a fresh loop took about 38 ms with rented segments
/// against 56 ms with allocated ones. The price is what the pool keeps after a burst, until it trims itself on a later full
/// collection: no more arrays of this size than it holds per thread and per core (about 1.5 MiB was measured after a burst
/// of 300,000 callbacks).</para>
/// <para>Not thread-safe: the loop guards it with its lock. A slot is cleared as its item is taken, so no array goes back
/// to the pool holding a reference.</para>
/// </remarks>
/// <typeparam name="T">The item type.</typeparam>
internal sealed class SegmentedQueue<T>
{
    // 1,024 items of the loop's three-reference ReadyItem are 24 KiB: well below the 85,000-byte large object threshold.
    private const int SegmentLength = 1024;

    // Null while the queue has no storage (new, or cleared): the first Enqueue rents a segment.
    private Segment? _head;
    private Segment? _tail;
    private Segment? _spare;
    private int _headIndex;
    private int _tailIndex;

    public int Count { get; private set; }

    public void Enqueue(T item)
    {
        if (_tail is null)
        {
            _head = _tail = RentSegment();
        }
        else if (_tailIndex == SegmentLength)
        {
            Segment next = _spare ?? RentSegment();
            _spare = null;
            _tail.Next = next;
            _tail = next;
            _tailIndex = 0;
        }

        _tail.Items[_tailIndex++] = item;
        Count++;
    }

    public T Dequeue()
    {
        if (Count == 0)
        {
            throw new InvalidOperationException("The queue is empty.");
        }

        Segment head = _head!;
        if (_headIndex == SegmentLength)
        {
            Segment emptied = head;
            head = _head = emptied.Next!;
            _headIndex = 0;
            emptied.Next = null;
            Recycle(emptied); // its slots were cleared as they were taken
        }

        T item = head.Items[_headIndex];
        head.Items[_headIndex++] = default!; // no reference outlives its turn in the queue
        Count--;
        if (Count == 0)
        {
            // Empty: start again at the front of the head segment, so a queue that stays short uses one segment.
            // (The tail segment always holds an item, so the head is the tail here.)
            _tail = head;
            _headIndex = _tailIndex = 0;
        }

        return item;
    }

    /// <summary>Empties the queue and gives every segment back to the pool; the queue stays usable.</summary>
    public void Clear()
    {
        while (Count > 0)
        {
            _ = Dequeue();
        }

        if (_head is not null)
        {
            ArrayPool<T>.Shared.Return(_head.Items);
            _head = _tail = null;
        }

        if (_spare is not null)
        {
            ArrayPool<T>.Shared.Return(_spare.Items);
            _spare = null;
        }
    }

    private static Segment RentSegment() => new(ArrayPool<T>.Shared.Rent(SegmentLength));

    /// <summary>Keeps an emptied segment as the spare, or gives its array back to the pool when there is one already.</summary>
    private void Recycle(Segment emptied)
    {
        if (_spare is null)
        {
            _spare = emptied;
        }
        else
        {
            ArrayPool<T>.Shared.Return(emptied.Items);
        }
    }

    private sealed class Segment(T[] items)
    {
        public readonly T[] Items = items;
        public Segment? Next;
    }
}
