using System.Collections;

namespace AsyncNotes;

/// <summary>A read-only set of tasks compared by reference that enumerates in the order the tasks were added.</summary>
internal sealed class TaskSet<TTask> : IReadOnlySet<TTask>
    where TTask : Task
{
    private readonly List<TTask> _order;
    private readonly HashSet<TTask> _set;

    public TaskSet(int capacity)
    {
        _order = new List<TTask>(capacity);
        _set = new HashSet<TTask>(capacity, ReferenceEqualityComparer.Instance);
    }

    public int Count => _order.Count;

    /// <summary>Enumerates <paramref name="tasks"/> exactly once: duplicates (by reference) collapse to their first occurrence.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="tasks"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="tasks"/> is empty or holds a <see langword="null"/>.</exception>
    public static TTask[] DistinctInputs(IEnumerable<TTask> tasks, string paramName, bool allowEmpty = false)
    {
        ArgumentNullException.ThrowIfNull(tasks, paramName);
        var set = new TaskSet<TTask>(tasks.TryGetNonEnumeratedCount(out int count) ? count : 4);
        foreach (TTask task in tasks)
        {
            if (task is null)
            {
                throw new ArgumentException("The collection holds a null task.", paramName);
            }

            set.Add(task);
        }

        if (set.Count == 0 && !allowEmpty)
        {
            throw new ArgumentException("The collection of tasks is empty.", paramName);
        }

        return [.. set._order];
    }

    public bool Add(TTask task)
    {
        if (!_set.Add(task))
        {
            return false;
        }

        _order.Add(task);
        return true;
    }

    public bool Contains(TTask item) => _set.Contains(item);

    public bool IsProperSubsetOf(IEnumerable<TTask> other) => _set.IsProperSubsetOf(other);

    public bool IsProperSupersetOf(IEnumerable<TTask> other) => _set.IsProperSupersetOf(other);

    public bool IsSubsetOf(IEnumerable<TTask> other) => _set.IsSubsetOf(other);

    public bool IsSupersetOf(IEnumerable<TTask> other) => _set.IsSupersetOf(other);

    public bool Overlaps(IEnumerable<TTask> other) => _set.Overlaps(other);

    public bool SetEquals(IEnumerable<TTask> other) => _set.SetEquals(other);

    public IEnumerator<TTask> GetEnumerator() => _order.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
