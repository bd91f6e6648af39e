namespace AsyncNotes;

/// <summary>A binary min-heap with equal priorities first in, first out (each entry carries its insertion number as the
/// tie-breaker), whose insert compares before it moves anything: a comparer that throws leaves the heap as it was. (The
/// BCL's <see cref="PriorityQueue{TElement, TPriority}"/> grows first and compares after, so a throwing comparer left a
/// phantom entry behind.) Not thread-safe: its owner's lock guards it.</summary>
/// <typeparam name="TElement">The elements' type.</typeparam>
/// <typeparam name="TPriority">The priorities' type.</typeparam>
internal sealed class StableHeap<TElement, TPriority>
{
    private readonly List<(TElement Element, TPriority Priority, long Sequence)> _items = [];
    private readonly IComparer<TPriority> _priorities;
    private long _sequence;

    public StableHeap(IComparer<TPriority>? comparer) => _priorities = comparer ?? Comparer<TPriority>.Default;

    public int Count => _items.Count;

    public void Enqueue(TElement element, TPriority priority)
    {
        var entry = (element, priority, _sequence);

        // Find the entry's place first (every comparison done before anything moves), then shift the path down.
        int index = _items.Count;
        int place = index;
        while (place > 0 && Less(entry, _items[(place - 1) / 2]))
        {
            place = (place - 1) / 2;
        }

        _sequence++;
        _items.Add(entry);
        while (index > place)
        {
            int parent = (index - 1) / 2;
            _items[index] = _items[parent];
            index = parent;
        }

        _items[place] = entry;
    }

    public TElement Dequeue()
    {
        TElement top = _items[0].Element;
        var last = _items[^1];
        _items.RemoveAt(_items.Count - 1);
        if (_items.Count > 0)
        {
            int index = 0;
            while (true)
            {
                int child = (2 * index) + 1;
                if (child >= _items.Count)
                {
                    break;
                }

                if (child + 1 < _items.Count && Less(_items[child + 1], _items[child]))
                {
                    child++;
                }

                if (!Less(_items[child], last))
                {
                    break;
                }

                _items[index] = _items[child];
                index = child;
            }

            _items[index] = last;
        }

        return top;
    }

    private bool Less((TElement Element, TPriority Priority, long Sequence) a, (TElement Element, TPriority Priority, long Sequence) b)
    {
        int byPriority = _priorities.Compare(a.Priority, b.Priority);
        return byPriority != 0 ? byPriority < 0 : a.Sequence < b.Sequence;
    }
}
