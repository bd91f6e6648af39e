using AsyncNotes;

namespace AsyncNotes.Samples;

/// <summary>Writes the sample's output with each line stamped by the loop's clock, counted from the start of its part, so
/// every part reads as if it started at t = 0.</summary>
internal sealed class PartLog(TextWriter output)
{
    private TimeSpan _partStart;
    private bool _started;

    /// <summary>Starts a new part: a blank line (after the first), its title, and the clock's origin moved to now (zero when
    /// called off a loop: a part that starts its own runs, each with its own clock).</summary>
    public void Part(string title)
    {
        if (_started)
        {
            output.WriteLine();
        }

        _started = true;
        output.WriteLine(title);
        _partStart = EventLoop.Current?.Elapsed ?? TimeSpan.Zero;
    }

    /// <summary>Writes <paramref name="line"/> stamped with the time since the part started.</summary>
    public void Print(string line) =>
        output.WriteLine($"   [t={(EventLoop.Current!.Elapsed - _partStart).TotalSeconds:0.###}s] {line}");

    /// <summary>Writes <paramref name="text"/> indented, without a time stamp: real-time results, and drawings.</summary>
    public void Write(string text) => output.WriteLine("   " + text.Replace("\n", "\n   ", StringComparison.Ordinal));
}
