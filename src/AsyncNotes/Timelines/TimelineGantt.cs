using System.Text;

namespace AsyncNotes;

/// <summary>Draws timeline rows as console Gantt bars over a time axis (see <see cref="Timeline.ToGantt(int)"/>).</summary>
internal static class TimelineGantt
{
    internal const string Empty = "(no spans recorded)";
    private const char Bar = '█';
    private const char Instant = '│';
    private const char Tick = '┬';
    private const char Rule = '─';
    private const string Gap = "  ";

    public static string Draw(IReadOnlyList<TimelineRow> rows, int width)
    {
        if (rows.Count == 0)
        {
            return Empty;
        }

        long total = rows.Max(r => r.End.Ticks);
        Axis axis = Axis.Choose(total, width);
        string[] labels = [.. rows.Select(r => new string(' ', 2 * r.Depth) + TimelineFormat.OneLine(r.Name))];
        int labelWidth = labels.Max(l => l.Length);

        var text = new StringBuilder();
        for (int i = 0; i < rows.Count; i++)
        {
            TimelineRow row = rows[i];
            string duration = TimelineFormat.Duration(row.Duration) + (row.IsOpen ? " (open)" : string.Empty);
            text.Append(labels[i].PadRight(labelWidth)).Append(Gap).Append(BarOf(row, axis, width))
                .Append(' ').Append(Gap).Append(duration).Append('\n');
        }

        string indent = new(' ', labelWidth + Gap.Length);
        text.Append(indent).Append(axis.Rule).Append('\n');
        text.Append((indent + axis.Labels).TrimEnd());
        return text.ToString();
    }

    private static string BarOf(TimelineRow row, Axis axis, int width)
    {
        char[] cells = new string(' ', width).ToCharArray();
        int from = axis.Column(row.Start.Ticks);
        int to = axis.Column(row.End.Ticks);
        if (row.End == row.Start)
        {
            cells[Math.Min(from, width - 1)] = Instant;
            return new string(cells);
        }

        if (to == from)
        {
            // A non-zero span always shows: one cell, moved left if it starts at the very end of the axis.
            (from, to) = from < width ? (from, from + 1) : (width - 1, width);
        }

        cells.AsSpan(from, to - from).Fill(Bar);
        return new string(cells);
    }

    /// <summary>The time axis: <see cref="Intervals"/> steps of <see cref="Step"/> ticks spread over <see cref="Width"/> cells.</summary>
    private sealed record Axis(long Step, int Intervals, int Width)
    {
        private long Max => Step * Intervals;

        /// <summary>Gets the rule with a tick at every step: <see cref="Width"/> + 1 characters, the last at the axis's end.</summary>
        public string Rule
        {
            get
            {
                char[] rule = new string(TimelineGantt.Rule, Width + 1).ToCharArray();
                for (int i = 0; i <= Intervals; i++)
                {
                    rule[TickColumn(i)] = Tick;
                }

                return new string(rule);
            }
        }

        /// <summary>Gets the labels, each starting under its tick; a label that would touch the previous one is left out.</summary>
        public string Labels
        {
            get
            {
                var line = new StringBuilder();
                for (int i = 0; i <= Intervals; i++)
                {
                    int column = TickColumn(i);
                    if (line.Length > 0 && column <= line.Length)
                    {
                        continue;
                    }

                    line.Append(' ', column - line.Length).Append(Label(i));
                }

                return line.ToString();
            }
        }

        /// <summary>Picks the smallest step of 1, 2 or 5 times a power of ten (in ticks) whose labels fit between the ticks with two spaces to spare.</summary>
        public static Axis Choose(long total, int width)
        {
            if (total <= 0)
            {
                return new Axis(0, 0, width);
            }

            for (long magnitude = 1; magnitude <= long.MaxValue / 50; magnitude *= 10)
            {
                foreach (long multiple in (ReadOnlySpan<long>)[1, 2, 5])
                {
                    long step = multiple * magnitude;
                    long intervals = (total + step - 1) / step;
                    if (intervals > width)
                    {
                        continue;
                    }

                    var axis = new Axis(step, (int)intervals, width);
                    if (axis.LabelsFit())
                    {
                        return axis;
                    }
                }
            }

            return new Axis(total, 1, width);
        }

        /// <summary>The cell whose left edge is at <paramref name="ticks"/>, rounded half up: 0 to <see cref="Width"/>.</summary>
        public int Column(long ticks) =>
            Max == 0 ? 0 : (int)((((Int128)ticks * Width * 2) + Max) / ((Int128)Max * 2));

        private int TickColumn(int i) => Column(Step * i);

        /// <summary>Labels are in milliseconds on an axis shorter than a second, else in seconds.</summary>
        private string Label(int i)
        {
            var at = TimeSpan.FromTicks(Step * i);
            return Max < TimeSpan.TicksPerSecond ? TimelineFormat.Milliseconds(at) : TimelineFormat.Seconds(at);
        }

        private bool LabelsFit()
        {
            for (int i = 0; i < Intervals; i++)
            {
                if (TickColumn(i + 1) - TickColumn(i) < Label(i).Length + 2)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
