namespace AsyncNotes;

/// <summary>A child as its <see cref="ChildScope"/> keeps it: a node of the scope's list of unfinished children, in start
/// order, with the token source that cancels it.</summary>
/// <remarks>The scope sets <see cref="Index"/> and <see cref="Source"/> in <see cref="ChildScope.Join"/> and guards the links
/// with its lock; a derived class adds what its owner needs to start the child and to hear that it finished.</remarks>
internal abstract class ScopeChild : IListNode<ScopeChild>
{
    /// <summary>The child's number in start order, from 0.</summary>
    public int Index { get; internal set; }

    /// <summary>The child's own token source; disposed when the child leaves the scope.</summary>
    public CancellationTokenSource Source { get; internal set; } = null!;

    /// <summary>The child's name, listed by <see cref="ChildScope.RunningNames"/> while it runs; null for none.</summary>
    public abstract string? Name { get; }

    /// <inheritdoc/>
    public ScopeChild? Previous { get; set; }

    /// <inheritdoc/>
    public ScopeChild? Next { get; set; }

    /// <inheritdoc/>
    public bool IsLinked { get; set; }
}
