using System.Text;

namespace AsyncNotes;

/// <summary>Draws the loop's tasks as a tree, each under the task that started it (the shared drawing of
/// <see cref="AsyncIO.FormatCallGraph"/> and the deadlock report).</summary>
internal static class CallGraph
{
    /// <summary>One line per task, children indented under their starter in the order they were started; a task whose
    /// starter has finished (or that has none) is a root. <paramref name="current"/> is marked "(running)".</summary>
    public static string Format(IReadOnlyList<LoopTask> tasks, LoopTask? current)
    {
        var alive = new HashSet<LoopTask>(tasks);
        ILookup<LoopTask?, LoopTask> children = tasks.ToLookup(t => t.StartedBy is { } parent && alive.Contains(parent) ? parent : null);
        var text = new StringBuilder();

        void Draw(LoopTask task, string indent, string branch, string childIndent)
        {
            _ = text.Append(indent).Append(branch).Append(task.Name);
            if (ReferenceEquals(task, current))
            {
                _ = text.Append(" (running)");
            }

            _ = text.Append('\n');
            LoopTask[] below = [.. children[task]];
            for (int i = 0; i < below.Length; i++)
            {
                bool last = i == below.Length - 1;
                Draw(below[i], indent + childIndent, last ? "└── " : "├── ", last ? "    " : "│   ");
            }
        }

        foreach (LoopTask root in children[null])
        {
            Draw(root, string.Empty, string.Empty, string.Empty);
        }

        return text.Length == 0 ? "(no task)" : text.ToString(0, text.Length - 1);
    }
}
