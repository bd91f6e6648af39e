using System.Diagnostics.CodeAnalysis;

namespace AsyncNotes;

/// <summary>An <see cref="AsyncQueue{T}"/> that gives the smallest item first: asyncio's <c>PriorityQueue</c>.</summary>
/// <remarks>
/// <para>Maps asyncio's <c>PriorityQueue</c>. The Python lines it replaces:</para>
/// <code>
/// q = asyncio.PriorityQueue()
/// q.put_nowait((priority, item))
/// </code>
/// <list type="bullet">
///   <item>Every rule of <see cref="AsyncQueue{T}"/> holds; a get takes the smallest item present when it runs (a waiting
///   getter gets the smallest item, not the one whose put woke it).</item>
///   <item>Items are compared with the comparer given, or <see cref="Comparer{T}.Default"/>; a tuple such as
///   <c>(priority, item)</c> compares element by element, as Python's does. Items that compare equal come out first in,
///   first out (asyncio's heap leaves them in no defined order; a sequence number in the tuple is not needed here).</item>
///   <item>Items that cannot be compared make the put throw (<see cref="ArgumentException"/> from the comparer), where
///   Python raises <c>TypeError</c>.</item>
/// </list>
/// <para>The BCL's <see cref="PriorityQueue{TElement, TPriority}"/> is neither thread-safe nor awaitable, and gives equal
/// priorities in no defined order. <see cref="AsyncPriorityQueue{TElement, TPriority}"/> takes the priority apart from the
/// element, as the BCL's does.</para>
/// </remarks>
/// <typeparam name="T">The items' type.</typeparam>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "asyncio's names, fixed by the project's mapping: it is a queue.")]
public sealed class AsyncPriorityQueue<T> : AsyncQueue<T>
{
    private readonly StableHeap<T, T> _heap;

    /// <summary>Creates a priority queue that holds at most <paramref name="maxSize"/> items; 0 for no bound.</summary>
    /// <param name="maxSize">The bound; 0 for none.</param>
    /// <param name="comparer">Orders the items; <see cref="Comparer{T}.Default"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxSize"/> is negative.</exception>
    public AsyncPriorityQueue(int maxSize = 0, IComparer<T>? comparer = null)
        : base(maxSize) => _heap = new StableHeap<T, T>(comparer);

    private protected override int StoreCount => _heap.Count;

    private protected override void Store(T item) => _heap.Enqueue(item, item);

    private protected override T Take() => _heap.Dequeue();
}
