namespace AsyncNotes.Tests.Infrastructure;

/// <summary>An append-only record of what happened, in order, for asserting a whole interleaving at once.</summary>
/// <remarks>Thread-safe, so it also serves tests that run off the loop (where only set membership can be asserted).</remarks>
public sealed class EventLog
{
    private readonly List<string> _entries = [];
    private readonly object _gate = new();

    public IReadOnlyList<string> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    public void Add(string entry)
    {
        lock (_gate)
        {
            _entries.Add(entry);
        }
    }

    /// <summary>Adds the entry stamped with the current loop's clock in seconds, e.g. <c>"a:end@2"</c>.</summary>
    public void AddAt(string entry)
    {
        EventLoop loop = EventLoop.Current ?? throw new InvalidOperationException("AddAt needs a running event loop.");
        Add($"{entry}@{loop.Elapsed.TotalSeconds:0.###}");
    }
}
