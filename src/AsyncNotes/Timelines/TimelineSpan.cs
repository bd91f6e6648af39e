namespace AsyncNotes;

/// <summary>One named span of a <see cref="Timeline"/>, open from <see cref="Timeline.Start(string)"/> until it is disposed.</summary>
/// <remarks>
/// <para>asyncio has no timeline; a span replaces a pair of <c>time.perf_counter()</c> reads around a piece of work.
/// The Python lines it replaces:</para>
/// <code>
/// start = time.perf_counter()
/// await fetch(url)
/// print(f"fetch took {time.perf_counter() - start:.1f}s")
/// </code>
/// <para>Use it with <c>using</c>: <c>using (timeline.Start("fetch")) { await FetchAsync(url); }</c>.</para>
/// <para>Rules:</para>
/// <list type="bullet">
///   <item>The first <see cref="Dispose"/> records the end on the timeline's clock; later calls do nothing.</item>
///   <item>It may be disposed on any thread; the timeline is thread-safe.</item>
/// </list>
/// </remarks>
public sealed class TimelineSpan : IDisposable
{
    private readonly Timeline _timeline;

    internal TimelineSpan(Timeline timeline, string name, TimelineSpan? parent, TimeSpan start, long sequence)
    {
        _timeline = timeline;
        Name = name;
        Parent = parent;
        Depth = parent is null ? 0 : parent.Depth + 1;
        Start = start;
        Sequence = sequence;
    }

    /// <summary>Gets the span's name.</summary>
    public string Name { get; }

    /// <summary>Gets the span that was open in the same asynchronous flow when this one started, or <see langword="null"/>.</summary>
    public TimelineSpan? Parent { get; }

    /// <summary>Gets how deep the span nests: 0 at the top level, <c>Parent.Depth + 1</c> below.</summary>
    public int Depth { get; }

    /// <summary>Gets when the span started, from the timeline's origin.</summary>
    public TimeSpan Start { get; }

    /// <summary>Gets when the span ended, from the timeline's origin, or <see langword="null"/> while it is open.</summary>
    public TimeSpan? End => _timeline.EndOf(this);

    /// <summary>Gets the order in which the timeline created its spans.</summary>
    internal long Sequence { get; }

    /// <summary>Gets or sets the end; read and written under the timeline's lock.</summary>
    internal TimeSpan? EndUnderLock { get; set; }

    /// <summary>Ends the span at the timeline's current time. Idempotent: only the first call records an end.</summary>
    public void Dispose() => _timeline.End(this);

    /// <summary>Returns the span's name, start and end, e.g. <c>fetch [0s, 1s]</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() =>
        $"{Name} [{TimelineFormat.Duration(Start)}, {(End is { } end ? TimelineFormat.Duration(end) : "open")}]";
}
