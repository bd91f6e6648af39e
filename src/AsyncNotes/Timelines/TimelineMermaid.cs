using System.Globalization;
using System.Text;

namespace AsyncNotes;

/// <summary>Writes timeline rows as a Mermaid <c>gantt</c> chart (see <see cref="Timeline.ToMermaid(string?)"/>).</summary>
internal static class TimelineMermaid
{
    public static string Write(IReadOnlyList<TimelineRow> rows, string? title)
    {
        var text = new StringBuilder("gantt");
        if (title is not null)
        {
            text.Append("\n    title ").Append(Escape(title));
        }

        text.Append("\n    dateFormat x")
            .Append("\n    axisFormat %s.%L")
            .Append("\n    todayMarker off");

        // Mermaid cannot indent a task, but it can group tasks: when spans nest, each top-level span opens a section
        // holding itself and its descendants (the rows come in tree order).
        bool nested = rows.Any(r => r.Depth > 0);
        for (int i = 0; i < rows.Count; i++)
        {
            TimelineRow row = rows[i];
            if (nested && row.Depth == 0)
            {
                text.Append("\n    section ").Append(Escape(row.Name));
            }

            string tag = row.IsOpen ? "active, " : row.Duration == TimeSpan.Zero ? "milestone, " : string.Empty;
            text.Append("\n    ")
                .Append(Escape(row.Name))
                .Append(" :")
                .Append(tag)
                .Append(CultureInfo.InvariantCulture, $"s{i + 1}, {Milliseconds(row.Start)}, {Milliseconds(row.End)}");
        }

        return text.ToString();
    }

    /// <summary>Mermaid's entity codes for the characters that end a task name or start a comment, in one pass.</summary>
    internal static string Escape(string name)
    {
        var text = new StringBuilder(name.Length);
        foreach (char c in TimelineFormat.OneLine(name).Trim())
        {
            _ = c switch
            {
                '#' => text.Append("#35;"),
                '%' => text.Append("#37;"),
                ':' => text.Append("#58;"),
                ';' => text.Append("#59;"),
                _ => text.Append(c),
            };
        }

        return text.ToString();
    }

    private static long Milliseconds(TimeSpan offset) => offset.Ticks / TimeSpan.TicksPerMillisecond;
}
