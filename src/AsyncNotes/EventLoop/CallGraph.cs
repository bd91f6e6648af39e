using System.Text;

namespace AsyncNotes;

/// <summary>Draws the loop's tasks as a tree, each under the task that started it (the shared drawing of
/// <see cref="AsyncIO.FormatCallGraph"/> and the deadlock report).</summary>
internal static class CallGraph
{
    /// <summary>The deepest level drawn; deeper tasks are summed up in one line.</summary>
    public const int MaxDepth = 32;

    /// <summary>One line per task, children indented under their starter in the order they were started; a task whose
    /// starter has finished (or that has none) is a root. <paramref name="current"/> is marked "(running)".</summary>
    public static string Format(IReadOnlyList<LoopTask> tasks, LoopTask? current)
    {
        var alive = new HashSet<LoopTask>(tasks);
        ILookup<LoopTask?, LoopTask> children = tasks.ToLookup(t => t.StartedBy is { } parent && alive.Contains(parent) ? parent : null);
        var text = new StringBuilder();

        // Depth first, with a stack of its own rather than recursion: a chain of thousands of tasks, each awaiting the next,
        // must not overflow the thread's stack (the deadlock report draws this tree too). Past MaxDepth, a level is elided.
        var pending = new Stack<(LoopTask Task, string Indent, string Branch, string ChildIndent, int Depth)>();
        foreach (LoopTask root in children[null].Reverse())
        {
            pending.Push((root, string.Empty, string.Empty, string.Empty, 0));
        }

        while (pending.TryPop(out var next))
        {
            (LoopTask task, string indent, string branch, string childIndent, int depth) = next;
            _ = text.Append(indent).Append(branch).Append(task.Name);
            if (ReferenceEquals(task, current))
            {
                _ = text.Append(" (running)");
            }

            _ = text.Append('\n');
            LoopTask[] below = [.. children[task]];
            if (below.Length > 0 && depth + 1 >= MaxDepth)
            {
                _ = text.Append(indent).Append(childIndent).Append("└── … ").Append(below.Length).Append(" more task(s) started from here\n");
                continue;
            }

            for (int i = below.Length - 1; i >= 0; i--)
            {
                bool last = i == below.Length - 1;
                pending.Push((below[i], indent + childIndent, last ? "└── " : "├── ", last ? "    " : "│   ", depth + 1));
            }
        }

        return text.Length == 0 ? "(no task)" : text.ToString(0, text.Length - 1);
    }
}
