namespace AsyncNotes;

/// <summary>One span as drawn: open spans carry the time of the drawing as their end.</summary>
internal sealed record TimelineRow(string Name, int Depth, TimeSpan Start, TimeSpan End, bool IsOpen)
{
    public TimeSpan Duration => End - Start;
}
