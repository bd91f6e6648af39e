namespace AsyncNotes;

/// <summary>A node of a <see cref="NodeList{T}"/>: the object itself carries its links, so keeping it in a list costs no
/// allocation.</summary>
/// <typeparam name="T">The node type.</typeparam>
internal interface IListNode<T>
    where T : class, IListNode<T>
{
    /// <summary>The node before this one; null at the front.</summary>
    T? Previous { get; set; }

    /// <summary>The node after this one; null at the back.</summary>
    T? Next { get; set; }

    /// <summary>Whether the node is in a list.</summary>
    bool IsLinked { get; set; }
}

/// <summary>A doubly linked list of nodes that carry their own links (<see cref="IListNode{T}"/>), in insertion order: the
/// waiter queue's waiters and a child scope's children. Not thread-safe: its owner's lock guards every call but
/// <see cref="Count"/>, which may be read without it.</summary>
/// <typeparam name="T">The node type.</typeparam>
internal sealed class NodeList<T>
    where T : class, IListNode<T>
{
    private T? _last;
    private int _count;

    /// <summary>The node at the front; null when the list is empty.</summary>
    public T? First { get; private set; }

    /// <summary>The number of nodes, readable without the owner's lock.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Adds <paramref name="node"/>, which is in no list, at the back.</summary>
    public void AddLast(T node)
    {
        node.Previous = _last;
        if (_last is null)
        {
            First = node;
        }
        else
        {
            _last.Next = node;
        }

        _last = node;
        node.IsLinked = true;
        _count++;
    }

    /// <summary>Takes <paramref name="node"/>, which is in this list, out of it.</summary>
    public void Remove(T node)
    {
        if (node.Previous is { } previous)
        {
            previous.Next = node.Next;
        }
        else
        {
            First = node.Next;
        }

        if (node.Next is { } next)
        {
            next.Previous = node.Previous;
        }
        else
        {
            _last = node.Previous;
        }

        node.Next = null;
        node.Previous = null;
        node.IsLinked = false;
        _count--;
    }

    /// <summary>The nodes, front to back, copied (so the caller may act on them outside the owner's lock).</summary>
    public List<T> ToList()
    {
        var nodes = new List<T>(_count);
        for (T? node = First; node is not null; node = node.Next)
        {
            nodes.Add(node);
        }

        return nodes;
    }
}
