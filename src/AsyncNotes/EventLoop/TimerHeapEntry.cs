namespace AsyncNotes;

/// <summary>What the loop's <see cref="TimerHeap"/> holds: a <see cref="LoopTimer"/> (asyncio's <c>TimerHandle</c>) or a
/// future's own deadline (<see cref="IFutureDeadline"/>).</summary>
internal interface ITimerHeapEntry
{
    /// <summary>Gets or sets the entry's slot in the heap, or -1 when it is not armed. Written only by the heap, under the
    /// loop's lock.</summary>
    int HeapIndex { get; set; }
}

/// <summary>A <see cref="LoopFuture{T}"/> armed on its own loop's clock: it sits in the timer heap itself, with no timer
/// object of its own, as asyncio's <c>call_later(delay, future.set_result)</c> costs one handle and nothing more.</summary>
/// <remarks>
/// <list type="bullet">
///   <item>Armed once, never re-armed: a firing queued for a future decided meanwhile finds it done and does nothing, so it
///   needs none of <see cref="LoopTimer"/>'s generations.</item>
///   <item>Its firing runs under a synchronization context the loop shares between such firings: <see cref="OnDeadline"/>
///   only decides the future, whose delivery enters a fresh context before any awaiter runs, so no code can capture the
///   shared one.</item>
/// </list>
/// </remarks>
internal interface IFutureDeadline : ITimerHeapEntry
{
    /// <summary>Gets whether the future is decided: the loop does not arm a deadline for one that is.</summary>
    bool IsDone { get; }

    /// <summary>Runs on the loop thread when the deadline has passed.</summary>
    void OnDeadline();
}
