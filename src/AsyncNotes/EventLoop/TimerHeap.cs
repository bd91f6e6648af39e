using System.Buffers;

namespace AsyncNotes;

/// <summary>The loop's armed timers as a binary min-heap on (due, sequence), with removal by handle.</summary>
/// <remarks>
/// <para>Each entry knows its own slot (<see cref="ITimerHeapEntry.HeapIndex"/>), so disarming one (asyncio's
/// <c>TimerHandle.cancel()</c>) takes it out at once, in O(log n): the heap holds exactly the armed timers, and memory stays
/// bounded by them however often a timer is re-armed (a <c>CancelAfter</c> reset per request, say).</para>
/// <para>Ties on the due time are broken by a sequence number the heap takes anew each time a timer is armed: timers due at
/// the same instant fire in arming order. Not thread-safe: the loop guards it with its lock.</para>
/// <para>The keys sit in the heap's own array beside the entries, as <see cref="PriorityQueue{TElement, TPriority}"/> keeps
/// its priorities: a sift compares without visiting the entries, which lie scattered over the heap of a long run (with
/// 100,000 sleeps that was most of the time it took to fire them).</para>
/// <para>The array is rented from a pool (<see cref="ArrayPool{T}.Shared"/>) and returned, cleared, when it grows and when
/// the loop closes, so a loop with many timers reuses old arrays instead of allocating a doubling chain on the large object
/// heap (which cost a full collection about every other run of 100,000 sleeps). The price is what the pool keeps between
/// runs, until it trims itself on a later full collection: arrays up to <see cref="MaxPooledLength"/> entries (3 MiB) go
/// back, larger ones are left to the collector, so a thread that ran a loop parks at most about 6 MiB of them.</para>
/// </remarks>
internal sealed class TimerHeap
{
    /// <summary>The longest array given back to the pool (2^17 entries of 24 bytes).</summary>
    internal const int MaxPooledLength = 1 << 17;

    private const int InitialLength = 16;

    private readonly ArrayPool<Entry> _pool;
    private Entry[] _items = [];
    private long _sequence;

    /// <summary>Creates an empty heap whose storage comes from <paramref name="pool"/> (<see cref="ArrayPool{T}.Shared"/> by
    /// default; tests pass one that records).</summary>
    public TimerHeap(ArrayPool<Entry>? pool = null) => _pool = pool ?? ArrayPool<Entry>.Shared;

    public int Count { get; private set; }

    /// <summary>Gets the earliest armed timer and its due time (loop ticks), if any.</summary>
    public bool TryPeek(out ITimerHeapEntry entry, out long due)
    {
        if (Count == 0)
        {
            entry = null!;
            due = long.MaxValue;
            return false;
        }

        entry = _items[0].Timer;
        due = _items[0].Due;
        return true;
    }

    /// <summary>Arms <paramref name="timer"/> (which must not be armed) for <paramref name="due"/>, after every timer already
    /// armed for the same instant.</summary>
    public void Add(ITimerHeapEntry timer, long due)
    {
        if (Count == _items.Length)
        {
            Grow();
        }

        int index = Count++;
        SiftUp(new Entry(due, ++_sequence, timer), index);
    }

    /// <summary>Disarms <paramref name="timer"/>; nothing happens if it is not armed.</summary>
    public void Remove(ITimerHeapEntry timer)
    {
        int index = timer.HeapIndex;
        if (index < 0)
        {
            return;
        }

        timer.HeapIndex = -1;
        Count--;
        Entry last = _items[Count];
        _items[Count] = default;
        if (index == Count)
        {
            return;
        }

        // The last entry fills the hole and moves down or up, whichever its key asks.
        if (index > 0 && Before(last, _items[(index - 1) / 2]))
        {
            SiftUp(last, index);
        }
        else
        {
            SiftDown(last, index);
        }
    }

    /// <summary>Disarms every timer and returns the storage to the pool (the loop has closed).</summary>
    public void Clear()
    {
        for (int i = 0; i < Count; i++)
        {
            _items[i].Timer.HeapIndex = -1;
        }

        Count = 0;
        ReturnStorage();
    }

    private static bool Before(in Entry a, in Entry b) => a.Due < b.Due || (a.Due == b.Due && a.Sequence < b.Sequence);

    /// <summary>Places <paramref name="entry"/> at <paramref name="index"/> or above it, moving larger parents down.</summary>
    private void SiftUp(Entry entry, int index)
    {
        while (index > 0)
        {
            int parent = (index - 1) / 2;
            if (!Before(entry, _items[parent]))
            {
                break;
            }

            Place(_items[parent], index);
            index = parent;
        }

        Place(entry, index);
    }

    /// <summary>Places <paramref name="entry"/> at <paramref name="index"/> or below it, moving smaller children up.</summary>
    private void SiftDown(Entry entry, int index)
    {
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

            if (!Before(_items[child], entry))
            {
                break;
            }

            Place(_items[child], index);
            index = child;
        }

        Place(entry, index);
    }

    private void Place(in Entry entry, int index)
    {
        _items[index] = entry;
        entry.Timer.HeapIndex = index;
    }

    private void Grow()
    {
        int length = Math.Max(InitialLength, _items.Length * 2);
        Entry[] larger = length <= MaxPooledLength ? _pool.Rent(length) : new Entry[length];
        Array.Copy(_items, larger, Count);
        ReturnStorage();
        _items = larger;
    }

    private void ReturnStorage()
    {
        if (_items.Length is > 0 and <= MaxPooledLength)
        {
            _pool.Return(_items, clearArray: true); // no timer outlives the loop in the pool
        }

        _items = [];
    }

    /// <summary>A slot: the key (due in loop ticks, then arming order) and the entry.</summary>
    internal readonly record struct Entry(long Due, long Sequence, ITimerHeapEntry Timer);
}
