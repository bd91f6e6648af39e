using System.Diagnostics.CodeAnalysis;

namespace AsyncNotes;

/// <summary>An <see cref="AsyncQueue{T}"/> that gives the smallest item first: asyncio's <c>PriorityQueue</c>.</summary>
/// <remarks>
/// <para>Maps asyncio's <c>PriorityQueue</c>. The Python lines it replace:</para>
/// <code>
/// q = asyncio.PriorityQueue()
/// q.put_nowait((priority, next(counter), item))
/// </code>
/// <list type="bullet">
///   <item>Every rule of <see cref="AsyncQueue{T}"/> holds; a get takes the smallest item present when it runs (a waiting
///   getter gets the smallest item, not the one whose put woke it).</item>
///   <item>Items are compared with the comparer given, or <see cref="Comparer{T}.Default"/>; a tuple such as
///   <c>(priority, sequence, item)</c> compares element by element, as Python's does. Equal items come out in no defined
///   order (a heap, as <c>heapq</c>): add a sequence number to keep insertion order among equal priorities.</item>
///   <item>Items that cannot be compared make the put throw (<see cref="ArgumentException"/> or
///   <see cref="InvalidOperationException"/> from the comparer), where Python raises <c>TypeError</c>.</item>
/// </list>
/// <para>The BCL's <see cref="PriorityQueue{TElement, TPriority}"/> is neither thread-safe nor awaitable.</para>
/// </remarks>
/// <typeparam name="T">The items' type.</typeparam>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "asyncio's names, fixed by the project's mapping: it is a queue.")]
public sealed class AsyncPriorityQueue<T> : AsyncQueue<T>
{
    private readonly PriorityQueue<T, T> _heap;

    /// <summary>Creates a priority queue that holds at most <paramref name="maxSize"/> items; 0 or less for no bound.</summary>
    /// <param name="maxSize">The bound; 0 or less for none.</param>
    /// <param name="comparer">Orders the items; <see cref="Comparer{T}.Default"/> when <see langword="null"/>.</param>
    public AsyncPriorityQueue(int maxSize = 0, IComparer<T>? comparer = null)
        : base(maxSize) => _heap = new PriorityQueue<T, T>(comparer ?? Comparer<T>.Default);

    private protected override int StoreCount => _heap.Count;

    private protected override void Store(T item) => _heap.Enqueue(item, item);

    private protected override T Take() => _heap.Dequeue();
}
