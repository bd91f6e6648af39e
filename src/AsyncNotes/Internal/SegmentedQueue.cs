namespace AsyncNotes;

/// <summary>A first-in, first-out queue kept in fixed-size segments: the loop's ready queue.</summary>
/// <remarks>
/// <para>Why not <see cref="Queue{T}"/>: a queue that grows to a hundred thousand callbacks in one turn doubles its array
/// seventeen times, copying every item each time, and from about four thousand items each new array lands on the large
/// object heap, whose allocations count towards full (generation 2) collections. Segments never move an item, stay below
/// the large object threshold, and the one just emptied is kept for the next to fill, so a queue that stays short allocates
/// nothing.</para>
/// <para>Not thread-safe: the loop guards it with its lock.</para>
/// </remarks>
/// <typeparam name="T">The item type.</typeparam>
internal sealed class SegmentedQueue<T>
{
    // 1,024 items of the loop's three-reference ReadyItem are 24 KiB: well below the 85,000-byte large object threshold.
    private const int SegmentLength = 1024;

    private Segment _head;
    private Segment _tail;
    private Segment? _spare;
    private int _headIndex;
    private int _tailIndex;

    public SegmentedQueue()
    {
        _head = _tail = new Segment();
    }

    /// <summary>The number of items in the queue.</summary>
    public int Count { get; private set; }

    public void Enqueue(T item)
    {
        if (_tailIndex == SegmentLength)
        {
            Segment next = _spare ?? new Segment();
            _spare = null;
            _tail.Next = next;
            _tail = next;
            _tailIndex = 0;
        }

        _tail.Items[_tailIndex++] = item;
        Count++;
    }

    /// <summary>Removes and returns the oldest item.</summary>
    /// <exception cref="InvalidOperationException">The queue is empty.</exception>
    public T Dequeue()
    {
        if (Count == 0)
        {
            throw new InvalidOperationException("The queue is empty.");
        }

        if (_headIndex == SegmentLength)
        {
            Segment emptied = _head;
            _head = emptied.Next!;
            _headIndex = 0;
            emptied.Next = null;
            _spare = emptied; // its slots were cleared as they were taken
        }

        T item = _head.Items[_headIndex];
        _head.Items[_headIndex++] = default!; // no reference outlives its turn in the queue
        Count--;
        if (Count == 0)
        {
            // Empty: start again at the front of the head segment, so a queue that stays short uses one segment.
            _tail = _head;
            _tail.Next = null;
            _headIndex = _tailIndex = 0;
        }

        return item;
    }

    /// <summary>Drops every item.</summary>
    public void Clear()
    {
        while (Count > 0)
        {
            _ = Dequeue();
        }
    }

    private sealed class Segment
    {
        public readonly T[] Items = new T[SegmentLength];
        public Segment? Next;
    }
}
