namespace AsyncNotes;

/// <summary>The loop's armed timers as a binary min-heap on (due, sequence), with removal by handle.</summary>
/// <remarks>
/// <para>Each <see cref="LoopTimer"/> knows its own slot (<see cref="LoopTimer.HeapIndex"/>), so disarming one (asyncio's
/// <c>TimerHandle.cancel()</c>) takes it out at once, in O(log n): the heap holds exactly the armed timers, and memory stays
/// bounded by them however often a timer is re-armed (a <c>CancelAfter</c> reset per request, say).</para>
/// <para>Ties on the due time are broken by <see cref="LoopTimer.Sequence"/>, taken anew each time a timer is armed: timers
/// due at the same instant fire in arming order. Not thread-safe: the loop guards it with its lock.</para>
/// </remarks>
internal sealed class TimerHeap
{
    private LoopTimer[] _items = new LoopTimer[16];

    public int Count { get; private set; }

    public bool TryPeek(out LoopTimer timer)
    {
        timer = Count > 0 ? _items[0] : null!;
        return Count > 0;
    }

    public void Add(LoopTimer timer)
    {
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        _items[Count] = timer;
        timer.HeapIndex = Count;
        Count++;
        SiftUp(timer.HeapIndex);
    }

    /// <summary>Removes <paramref name="timer"/> if it is in the heap.</summary>
    public void Remove(LoopTimer timer)
    {
        int index = timer.HeapIndex;
        if (index < 0)
        {
            return;
        }

        timer.HeapIndex = -1;
        Count--;
        if (index == Count)
        {
            _items[Count] = null!;
            return;
        }

        LoopTimer last = _items[Count];
        _items[Count] = null!;
        _items[index] = last;
        last.HeapIndex = index;
        SiftDown(index);
        SiftUp(last.HeapIndex);
    }

    public void Clear()
    {
        for (int i = 0; i < Count; i++)
        {
            _items[i].HeapIndex = -1;
            _items[i] = null!;
        }

        Count = 0;
    }

    private static bool Before(LoopTimer a, LoopTimer b) => a.Due < b.Due || (a.Due == b.Due && a.Sequence < b.Sequence);

    private void SiftUp(int index)
    {
        LoopTimer item = _items[index];
        while (index > 0)
        {
            int parent = (index - 1) / 2;
            if (!Before(item, _items[parent]))
            {
                break;
            }

            Place(_items[parent], index);
            index = parent;
        }

        Place(item, index);
    }

    private void SiftDown(int index)
    {
        LoopTimer item = _items[index];
        while (true)
        {
            int child = (2 * index) + 1;
            if (child >= Count)
            {
                break;
            }

            if (child + 1 < Count && Before(_items[child + 1], _items[child]))
            {
                child++;
            }

            if (!Before(_items[child], item))
            {
                break;
            }

            Place(_items[child], index);
            index = child;
        }

        Place(item, index);
    }

    private void Place(LoopTimer item, int index)
    {
        _items[index] = item;
        item.HeapIndex = index;
    }
}
