using System.Globalization;

namespace AsyncNotes;

/// <summary>How the drawings write times: <c>0s</c>, <c>250ms</c>, <c>1s</c>, <c>1.5s</c>.</summary>
internal static class TimelineFormat
{
    /// <summary>Milliseconds below a second, seconds from a second on, with at most three decimals.</summary>
    public static string Duration(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        return value.Duration() < TimeSpan.FromSeconds(1) ? Milliseconds(value) : Seconds(value);
    }

    public static string Milliseconds(TimeSpan value) =>
        (value.Ticks / (double)TimeSpan.TicksPerMillisecond).ToString("0.###", CultureInfo.InvariantCulture) + "ms";

    public static string Seconds(TimeSpan value) =>
        (value.Ticks / (double)TimeSpan.TicksPerSecond).ToString("0.###", CultureInfo.InvariantCulture) + "s";

    /// <summary>Makes a name fit on one line.</summary>
    public static string OneLine(string text) =>
        text.Contains('\n', StringComparison.Ordinal) || text.Contains('\r', StringComparison.Ordinal)
            ? text.ReplaceLineEndings(" ")
            : text;
}
