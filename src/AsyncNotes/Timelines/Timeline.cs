namespace AsyncNotes;

/// <summary>
/// Records named spans of work on the loop's clock (concurrent or nested) and draws them as console Gantt bars
/// (<see cref="ToGantt(int)"/>) or as a Mermaid <c>gantt</c> chart for Markdown (<see cref="ToMermaid(string?)"/>).
/// </summary>
/// <remarks>
/// <para>asyncio has no timeline; it replaces the hand-written <c>time.perf_counter()</c> prints of the notes, which show
/// that a gather of 1, 2 and 3 second sleeps takes 3 seconds and not 6. The Python lines it replaces:</para>
/// <code>
/// start = time.perf_counter()
/// await asyncio.gather(fetch(1), fetch(2), fetch(3))
/// print(f"took {time.perf_counter() - start:.1f}s")
/// </code>
/// <para>Differs from <c>System.Diagnostics.Stopwatch</c> and <see cref="System.Diagnostics.Activity"/>, what a reader
/// would otherwise reach for:</para>
/// <list type="bullet">
///   <item>It reads the loop's clock (or an injected <see cref="TimeProvider"/>), never the wall clock, so on a virtual
///   loop the times are exact and the drawing is the same text on every run; a test can compare it as a string.</item>
///   <item>It needs no listener or exporter (unlike <c>Activity</c>) and keeps every span, not one interval (unlike
///   <c>Stopwatch</c>).</item>
/// </list>
/// <para>Rules:</para>
/// <list type="bullet">
///   <item>The clock is chosen once, at construction: the given <see cref="TimeProvider"/>, else the current loop's, else
///   <see cref="TimeProvider.System"/>. Every time is an offset from the moment of construction.</item>
///   <item>A span started while another span of the same timeline is open in the same asynchronous flow is its child.
///   Tasks started concurrently inside a span are each its children, and siblings of one another.</item>
///   <item>All members are thread-safe.</item>
/// </list>
/// </remarks>
/// <example>
/// <code>
/// var timeline = new Timeline();
/// await Task.WhenAll(
///     timeline.RecordAsync("fetch 1", ct => AsyncIO.SleepAsync(TimeSpan.FromSeconds(1), ct)),
///     timeline.RecordAsync("fetch 2", ct => AsyncIO.SleepAsync(TimeSpan.FromSeconds(2), ct)));
/// Console.WriteLine(timeline.ToGantt());
/// </code>
/// </example>
public sealed class Timeline
{
    private readonly object _gate = new();
    private readonly List<TimelineSpan> _spans = [];
    private readonly AsyncLocal<TimelineSpan?> _current = new();
    private readonly TimeProvider _time;
    private readonly long _origin;

    /// <summary>Creates an empty timeline whose origin is now, on the given clock.</summary>
    /// <remarks>
    /// <para>asyncio has no timeline. The Python line it replaces:</para>
    /// <code>start = time.perf_counter()</code>
    /// <para>Rules:</para>
    /// <list type="bullet">
    ///   <item>The clock is <paramref name="timeProvider"/>, else the current loop's clock, else <see cref="TimeProvider.System"/>,
    ///   fixed here: a timeline created off the loop keeps the system clock even when used on a loop.</item>
    ///   <item>Times are offsets from this moment: on a virtual loop, create it at the start of <c>main</c> to read loop times.</item>
    /// </list>
    /// </remarks>
    /// <param name="timeProvider">The clock; <see langword="null"/> for the current loop's, else the system clock.</param>
    public Timeline(TimeProvider? timeProvider = null)
    {
        _time = LoopAware.ResolveTime(timeProvider, "Timeline");
        _origin = _time.GetTimestamp();
    }

    /// <summary>Gets a snapshot of every span so far, ordered by start time and then by the order they were started.</summary>
    /// <remarks>Open spans have a <see langword="null"/> <see cref="TimelineSpanRecord.End"/>. The drawings use a tree order
    /// instead (each span directly followed by its children); for spans started in one flow the two orders agree.</remarks>
    public IReadOnlyList<TimelineSpanRecord> Spans
    {
        get
        {
            lock (_gate)
            {
                return [.. _spans
                    .OrderBy(s => s.Start)
                    .ThenBy(s => s.Sequence)
                    .Select(s => new TimelineSpanRecord(s.Name, s.Start, s.EndUnderLock, s.Depth, s.Parent?.Name))];
            }
        }
    }

    /// <summary>Starts a span named <paramref name="name"/> now; disposing the returned span ends it.</summary>
    /// <remarks>
    /// <para>asyncio has no timeline. The Python line it replaces:</para>
    /// <code>start = time.perf_counter()  # ... print(f"{name} took {time.perf_counter() - start:.1f}s")</code>
    /// <para>Rules:</para>
    /// <list type="bullet">
    ///   <item>While the span is open, spans of this timeline started in the same asynchronous flow (this method and
    ///   every async method it goes on to call) become its children, one level deeper. The flow is tracked with an
    ///   <see cref="AsyncLocal{T}"/> of this timeline only, so two timelines never nest into each other.</item>
    ///   <item>Concurrent tasks each have their own flow: spans they start are siblings, not each other's children.</item>
    ///   <item>A span started after its would-be parent has ended nests under the nearest ancestor still open.</item>
    ///   <item><see cref="TimelineSpan.Dispose"/> is idempotent.</item>
    /// </list>
    /// <para>Differs from <c>Stopwatch.StartNew()</c>: the span is kept by the timeline, knows its parent, and reads the loop's clock.</para>
    /// </remarks>
    /// <param name="name">The span's name, as drawn; not empty or white space.</param>
    /// <returns>The open span.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
    public TimelineSpan Start(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        TimelineSpan? parent = _current.Value;
        TimelineSpan span;
        lock (_gate)
        {
            while (parent is { EndUnderLock: not null })
            {
                parent = parent.Parent;
            }

            span = new TimelineSpan(this, name, parent, Now(), _spans.Count);
            _spans.Add(span);
        }

        // Set in a synchronous method, the value flows on in the caller's flow (and into what it calls) until Dispose.
        _current.Value = span;
        return span;
    }

    /// <summary>Runs <paramref name="work"/> inside a span named <paramref name="name"/> that ends when the work ends, however it ends.</summary>
    /// <remarks>
    /// <para>asyncio has no timeline. The Python lines it replaces:</para>
    /// <code>
    /// start = time.perf_counter()
    /// try: await work()
    /// finally: print(f"{name} took {time.perf_counter() - start:.1f}s")
    /// </code>
    /// <para>Rules:</para>
    /// <list type="bullet">
    ///   <item>The span starts at the call and ends when the work's task completes, faulted or cancelled included; the
    ///   work's exception propagates unchanged.</item>
    ///   <item>Spans the work starts are children of this span; calls made concurrently are siblings.</item>
    ///   <item>Bad input throws at the call, before a span is recorded.</item>
    /// </list>
    /// <para>Differs from wrapping the work in a <c>Stopwatch</c> by hand: nothing to forget in a <c>finally</c>, and the
    /// span nests.</para>
    /// </remarks>
    /// <param name="name">The span's name; not empty or white space.</param>
    /// <param name="work">The work to time; it captures its own cancellation token.</param>
    /// <returns>The work's task, completing once the span has ended.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="work"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
    public Task RecordAsync(string name, Func<Task> work)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(work);
        return RecordCoreAsync(name, work);
    }

    /// <summary>Runs <paramref name="work"/> inside a span named <paramref name="name"/> and returns its result.</summary>
    /// <remarks>
    /// <para>asyncio has no timeline. The Python lines it replaces:</para>
    /// <code>
    /// start = time.perf_counter()
    /// result = await work()
    /// print(f"{name} took {time.perf_counter() - start:.1f}s")
    /// </code>
    /// <para>Otherwise as <see cref="RecordAsync(string, Func{Task})"/>.</para>
    /// </remarks>
    /// <typeparam name="T">The type of the result.</typeparam>
    /// <param name="name">The span's name; not empty or white space.</param>
    /// <param name="work">The work to time; it captures its own cancellation token.</param>
    /// <returns>The work's result, once the span has ended.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="work"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
    public Task<T> RecordAsync<T>(string name, Func<Task<T>> work)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(work);
        return RecordCoreAsync(name, work);
    }

    /// <summary>Runs <paramref name="work"/>, given <paramref name="cancellationToken"/>, inside a span named <paramref name="name"/>.</summary>
    /// <remarks>
    /// <para>asyncio has no timeline. The Python lines it replaces:</para>
    /// <code>
    /// start = time.perf_counter()
    /// try: await work()
    /// finally: print(f"{name} took {time.perf_counter() - start:.1f}s")
    /// </code>
    /// <para>Rules, beyond those of <see cref="RecordAsync(string, Func{Task})"/>:</para>
    /// <list type="bullet">
    ///   <item>A token already cancelled at the call returns a cancelled task without running the work or recording a span.</item>
    ///   <item>Otherwise the token is passed to the work; a cancelled work's span ends at the instant it stops.</item>
    /// </list>
    /// </remarks>
    /// <param name="name">The span's name; not empty or white space.</param>
    /// <param name="work">The work to time, given <paramref name="cancellationToken"/>.</param>
    /// <param name="cancellationToken">Passed to the work.</param>
    /// <returns>The work's task, completing once the span has ended.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="work"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
    public Task RecordAsync(string name, Func<CancellationToken, Task> work, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(work);
        return cancellationToken.IsCancellationRequested
            ? Task.FromCanceled(cancellationToken)
            : RecordCoreAsync(name, () => work(cancellationToken));
    }

    /// <summary>Runs <paramref name="work"/>, given <paramref name="cancellationToken"/>, inside a span named <paramref name="name"/>, and returns its result.</summary>
    /// <remarks>
    /// <para>asyncio has no timeline. The Python lines it replaces:</para>
    /// <code>
    /// start = time.perf_counter()
    /// result = await work()
    /// print(f"{name} took {time.perf_counter() - start:.1f}s")
    /// </code>
    /// <para>Otherwise as <see cref="RecordAsync(string, Func{CancellationToken, Task}, CancellationToken)"/>.</para>
    /// </remarks>
    /// <typeparam name="T">The type of the result.</typeparam>
    /// <param name="name">The span's name; not empty or white space.</param>
    /// <param name="work">The work to time, given <paramref name="cancellationToken"/>.</param>
    /// <param name="cancellationToken">Passed to the work.</param>
    /// <returns>The work's result, once the span has ended.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="work"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
    public Task<T> RecordAsync<T>(string name, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(work);
        return cancellationToken.IsCancellationRequested
            ? Task.FromCanceled<T>(cancellationToken)
            : RecordCoreAsync(name, () => work(cancellationToken));
    }

    /// <summary>Draws the spans as console Gantt bars over a time axis, <paramref name="width"/> characters wide.</summary>
    /// <remarks>
    /// <para>asyncio has no timeline; the drawing replaces the notes' <c>print</c> of elapsed times. The Python line it replaces:</para>
    /// <code>print(f"took {time.perf_counter() - start:.1f}s")</code>
    /// <para>Three concurrent sleeps of 1, 2 and 3 seconds, drawn 30 wide:</para>
    /// <code>
    /// sleep 1  ██████████                       1s
    /// sleep 2  ████████████████████             2s
    /// sleep 3  ██████████████████████████████   3s
    ///          ┬─────────┬─────────┬─────────┬
    ///          0s        1s        2s        3s
    /// </code>
    /// <para>Rules:</para>
    /// <list type="bullet">
    ///   <item>One row per span in tree order: top-level spans by start time (then start order), each followed by its
    ///   children, indented two spaces per level. Then the bars, then the duration, e.g. <c>250ms</c>, <c>1s</c>, <c>1.5s</c>.</item>
    ///   <item>The axis runs from the origin to the last end rounded up to a whole step; steps are 1, 2 or 5 times a power
    ///   of ten, the smallest whose labels fit with two spaces between them; labels are in seconds, or in milliseconds on an axis shorter than a second. Character <c>i</c> of a bar covers the axis from tick position <c>i</c> to
    ///   <c>i + 1</c>; a bar fills the characters between its rounded start and end, at least one for a non-zero span.</item>
    ///   <item>A zero-length span is drawn as <c>│</c>; an open span is drawn up to now and its duration is followed by <c>(open)</c>.</item>
    ///   <item>Lines are separated by <c>\n</c> on every platform, with no trailing white space and no final newline.</item>
    ///   <item>An empty timeline draws <c>(no spans recorded)</c>.</item>
    /// </list>
    /// </remarks>
    /// <param name="width">How many characters the bars span; at least 10.</param>
    /// <returns>The drawing.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="width"/> is less than 10.</exception>
    public string ToGantt(int width = 60)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 10);
        return TimelineGantt.Draw(Snapshot(), width);
    }

    /// <summary>Writes the spans as the text of a Mermaid <c>gantt</c> chart, to put in a <c>```mermaid</c> block of Markdown.</summary>
    /// <remarks>
    /// <para>asyncio has no timeline; the chart replaces the notes' <c>print</c> of elapsed times in written documentation.
    /// The Python line it replaces:</para>
    /// <code>print(f"took {time.perf_counter() - start:.1f}s")</code>
    /// <para>Three concurrent sleeps of 1, 2 and 3 seconds:</para>
    /// <code>
    /// gantt
    ///     title gather
    ///     dateFormat x
    ///     axisFormat %s.%L
    ///     todayMarker off
    ///     sleep 1 :s1, 0, 1000
    ///     sleep 2 :s2, 0, 2000
    ///     sleep 3 :s3, 0, 3000
    /// </code>
    /// <para>Rules:</para>
    /// <list type="bullet">
    ///   <item>No Markdown fence: the text starts with <c>gantt</c>. Lines are indented four spaces and separated by <c>\n</c>.</item>
    ///   <item>Times are whole milliseconds from the timeline's origin (<c>dateFormat x</c>, rounded down); the axis reads
    ///   seconds since the origin (<c>axisFormat %s.%L</c>), whatever the reader's time zone.</item>
    ///   <item>One task per span, in the tree order of <see cref="ToGantt(int)"/>, with ids <c>s1</c>, <c>s2</c>, ...
    ///   Mermaid cannot indent a task, so when spans nest, each top-level span opens a <c>section</c> of its name that holds
    ///   it and its descendants; a timeline without nesting has no sections. A zero-length span is a <c>milestone</c>; an
    ///   open span is <c>active</c> and drawn up to now.</item>
    ///   <item>In names and the title, <c>#</c>, <c>:</c>, <c>;</c> and <c>%</c> are written as Mermaid's entity codes
    ///   <c>#35;</c>, <c>#58;</c>, <c>#59;</c> and <c>#37;</c>, and line breaks as spaces.</item>
    /// </list>
    /// </remarks>
    /// <param name="title">The chart's title, or <see langword="null"/> for none.</param>
    /// <returns>The Mermaid text.</returns>
    public string ToMermaid(string? title = null) => TimelineMermaid.Write(Snapshot(), title);

    /// <summary>Gets the end of <paramref name="span"/> under the lock.</summary>
    internal TimeSpan? EndOf(TimelineSpan span)
    {
        lock (_gate)
        {
            return span.EndUnderLock;
        }
    }

    /// <summary>Ends <paramref name="span"/> now, once, and takes it off this flow's stack of open spans.</summary>
    internal void End(TimelineSpan span)
    {
        lock (_gate)
        {
            if (span.EndUnderLock is not null)
            {
                return;
            }

            span.EndUnderLock = Now();
        }

        if (_current.Value == span)
        {
            TimelineSpan? open = span.Parent;
            while (open is not null && open.End is not null)
            {
                open = open.Parent;
            }

            _current.Value = open;
        }
    }

    private TimeSpan Now() => _time.GetElapsedTime(_origin);

    /// <summary>The spans in tree order with their ends (open spans end now), taken under the lock.</summary>
    private List<TimelineRow> Snapshot()
    {
        lock (_gate)
        {
            TimeSpan? now = _spans.Exists(s => s.EndUnderLock is null) ? Now() : null;
            ILookup<TimelineSpan?, TimelineSpan> children = _spans.ToLookup(s => s.Parent);
            var rows = new List<TimelineRow>(_spans.Count);
            AddInTreeOrder(null);
            return rows;

            void AddInTreeOrder(TimelineSpan? parent)
            {
                foreach (TimelineSpan span in children[parent].OrderBy(s => s.Start).ThenBy(s => s.Sequence))
                {
                    rows.Add(new TimelineRow(span.Name, span.Depth, span.Start, span.EndUnderLock ?? now!.Value, span.EndUnderLock is null));
                    AddInTreeOrder(span);
                }
            }
        }
    }

    private async Task RecordCoreAsync(string name, Func<Task> work)
    {
        // An async method: the span set as current here flows into the work and is restored for the caller on return.
        using TimelineSpan span = Start(name);

        // ConfigureAwait(LoopAware.OnLoop): stay on the loop, so the span ends on the loop's clock in the work's own callback.
        await work().ConfigureAwait(LoopAware.OnLoop);
    }

    private async Task<T> RecordCoreAsync<T>(string name, Func<Task<T>> work)
    {
        using TimelineSpan span = Start(name);

        // ConfigureAwait(LoopAware.OnLoop): stay on the loop.
        return await work().ConfigureAwait(LoopAware.OnLoop);
    }
}
