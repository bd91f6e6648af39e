namespace AsyncNotes;

/// <summary>A snapshot of one span of a <see cref="Timeline"/>: its name, when it started and ended, and where it nests.</summary>
/// <remarks>
/// <para>asyncio has no timeline; a record stands for one of the notes' hand-written timing prints. The Python line it replaces:</para>
/// <code>print(f"fetch took {time.perf_counter() - start:.1f}s")</code>
/// <para>Times are offsets from the moment the <see cref="Timeline"/> was created, on its clock.</para>
/// </remarks>
/// <param name="Name">The name given to <see cref="Timeline.Start(string)"/>.</param>
/// <param name="Start">When the span started, from the timeline's origin.</param>
/// <param name="End">When the span ended, from the timeline's origin; <see langword="null"/> while it is open.</param>
/// <param name="Depth">0 for a top-level span, 1 for its child, and so on.</param>
/// <param name="ParentName">The name of the enclosing span, or <see langword="null"/> for a top-level span.</param>
public sealed record TimelineSpanRecord(string Name, TimeSpan Start, TimeSpan? End, int Depth, string? ParentName)
{
    /// <summary>Gets how long the span lasted, or <see langword="null"/> while it is open.</summary>
    public TimeSpan? Duration => End - Start;
}
