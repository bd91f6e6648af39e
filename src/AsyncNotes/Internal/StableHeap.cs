namespace AsyncNotes;

/// <summary>The BCL's <see cref="PriorityQueue{TElement, TPriority}"/> with equal priorities first in, first out: each
/// entry carries its insertion number as the tie-breaker. Not thread-safe (its owner's lock guards it).</summary>
/// <typeparam name="TElement">The elements' type.</typeparam>
/// <typeparam name="TPriority">The priorities' type.</typeparam>
internal sealed class StableHeap<TElement, TPriority>
{
    private readonly PriorityQueue<TElement, (TPriority Priority, long Sequence)> _heap;
    private long _sequence;

    public StableHeap(IComparer<TPriority>? comparer)
    {
        IComparer<TPriority> priorities = comparer ?? Comparer<TPriority>.Default;
        _heap = new PriorityQueue<TElement, (TPriority Priority, long Sequence)>(Comparer<(TPriority Priority, long Sequence)>.Create((a, b) =>
        {
            int byPriority = priorities.Compare(a.Priority, b.Priority);
            return byPriority != 0 ? byPriority : a.Sequence.CompareTo(b.Sequence);
        }));
    }

    public int Count => _heap.Count;

    public void Enqueue(TElement element, TPriority priority) => _heap.Enqueue(element, (priority, _sequence++));

    public TElement Dequeue() => _heap.Dequeue();
}
