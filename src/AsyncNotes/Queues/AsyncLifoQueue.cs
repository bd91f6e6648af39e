using System.Diagnostics.CodeAnalysis;

namespace AsyncNotes;

/// <summary>A last-in, first-out <see cref="AsyncQueue{T}"/>: asyncio's <c>LifoQueue</c>.</summary>
/// <remarks>
/// <para>Maps asyncio's <c>LifoQueue</c>. The Python line it replaces:</para>
/// <code>q = asyncio.LifoQueue()</code>
/// <para>Every rule of <see cref="AsyncQueue{T}"/> holds; only the order differs: the newest item comes out first. The BCL's
/// <see cref="System.Collections.Concurrent.ConcurrentStack{T}"/> has no waiting, bound or <c>join</c>.</para>
/// </remarks>
/// <typeparam name="T">The items' type.</typeparam>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "asyncio's names, fixed by the project's mapping: it is a queue.")]
public sealed class AsyncLifoQueue<T> : AsyncQueue<T>
{
    private readonly Stack<T> _stack = new();

    /// <summary>Creates a LIFO queue that holds at most <paramref name="maxSize"/> items; 0 for no bound.</summary>
    /// <param name="maxSize">The bound; 0 for none.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxSize"/> is negative.</exception>
    public AsyncLifoQueue(int maxSize = 0)
        : base(maxSize)
    {
    }

    private protected override int StoreCount => _stack.Count;

    private protected override void Store(T item) => _stack.Push(item);

    private protected override T Take() => _stack.Pop();
}
