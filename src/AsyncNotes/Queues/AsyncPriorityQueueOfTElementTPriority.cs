using System.Diagnostics.CodeAnalysis;

namespace AsyncNotes;

/// <summary>An <see cref="AsyncQueue{T}"/> of elements with a priority apart from them, smallest priority first, equal
/// priorities first in, first out: asyncio's <c>PriorityQueue</c> of <c>(priority, item)</c> pairs with the BCL's shape.</summary>
/// <remarks>
/// <para>Maps asyncio's <c>PriorityQueue</c> used with <c>(priority, count, item)</c> tuples. The Python lines it replaces:</para>
/// <code>
/// q = asyncio.PriorityQueue()
/// q.put_nowait((priority, next(counter), item))
/// </code>
/// <list type="bullet">
///   <item>Every rule of <see cref="AsyncQueue{T}"/> holds; its items are <c>(Element, Priority)</c> pairs, and
///   <see cref="PutAsync(TElement, TPriority, CancellationToken)"/> and <see cref="TryPut(TElement, TPriority)"/> take the two
///   apart.</item>
///   <item>Only priorities are compared (the elements need not be comparable); equal priorities come out in the order they
///   were put, which Python gets from the counter and the BCL's <see cref="PriorityQueue{TElement, TPriority}"/> does not
///   promise.</item>
/// </list>
/// </remarks>
/// <typeparam name="TElement">The elements' type.</typeparam>
/// <typeparam name="TPriority">The priorities' type.</typeparam>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "asyncio's names, fixed by the project's mapping: it is a queue.")]
public sealed class AsyncPriorityQueue<TElement, TPriority> : AsyncQueue<(TElement Element, TPriority Priority)>
{
    private readonly StableHeap<(TElement Element, TPriority Priority), TPriority> _heap;

    /// <summary>Creates a priority queue that holds at most <paramref name="maxSize"/> elements; 0 for no bound.</summary>
    /// <param name="maxSize">The bound; 0 for none.</param>
    /// <param name="comparer">Orders the priorities; <see cref="Comparer{T}.Default"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxSize"/> is negative.</exception>
    public AsyncPriorityQueue(int maxSize = 0, IComparer<TPriority>? comparer = null)
        : base(maxSize) => _heap = new StableHeap<(TElement Element, TPriority Priority), TPriority>(comparer);

    private protected override int StoreCount => _heap.Count;

    /// <summary>Puts <paramref name="element"/> with <paramref name="priority"/>, waiting for room while the queue is full.</summary>
    /// <param name="element">The element.</param>
    /// <param name="priority">Its priority: the smallest comes out first.</param>
    /// <param name="cancellationToken">Cancels the wait for room; the element is then not put.</param>
    /// <returns>A task that completes once the element is in the queue.</returns>
    /// <exception cref="QueueShutDownException">The queue is shut down.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public Task PutAsync(TElement element, TPriority priority, CancellationToken cancellationToken = default) =>
        PutAsync((element, priority), cancellationToken);

    /// <summary>Puts <paramref name="element"/> with <paramref name="priority"/> if there is room.</summary>
    /// <param name="element">The element.</param>
    /// <param name="priority">Its priority: the smallest comes out first.</param>
    /// <returns>Whether it was put (false: the queue is full).</returns>
    /// <exception cref="QueueShutDownException">The queue is shut down.</exception>
    public bool TryPut(TElement element, TPriority priority) => TryPut((element, priority));

    private protected override void Store((TElement Element, TPriority Priority) item) => _heap.Enqueue(item, item.Priority);

    private protected override (TElement Element, TPriority Priority) Take() => _heap.Dequeue();
}
