namespace AsyncNotes;

/// <summary>The two rules every AsyncNotes primitive follows so that it works on the loop and off it alike.</summary>
/// <remarks>
/// <list type="number">
///   <item>Time comes from the caller's <see cref="TimeProvider"/>, else the current loop's clock, else the system clock.</item>
///   <item>A completion source that loop code completes is created without <c>RunContinuationsAsynchronously</c> and completed
///   from a callback on the loop (a timer callback, a continuation already on the loop, or <see cref="Schedule"/>), so every
///   continuation, <c>Task.WhenAll</c>'s included, runs on the loop in FIFO order. Off a loop, the source is created with
///   <c>RunContinuationsAsynchronously</c> so that no continuation runs inline inside whoever completes it.</item>
/// </list>
/// </remarks>
internal static class LoopAware
{
    /// <summary>What every library await passes to <c>ConfigureAwait</c>: back to the loop on a loop (its code belongs there),
    /// to nothing off it, so that a foreign <see cref="SynchronizationContext"/> (a UI thread blocked on the result) is never
    /// captured by AsyncNotes' own awaits.</summary>
    public static bool OnLoop => EventLoop.Current is not null;

    /// <summary>The clock to use: <paramref name="timeProvider"/>, else the current loop's, else <see cref="TimeProvider.System"/>.</summary>
    public static TimeProvider ResolveTime(TimeProvider? timeProvider) =>
        timeProvider ?? EventLoop.Current?.Time ?? TimeProvider.System;

    /// <summary>A completion source suited to <paramref name="loop"/> (see the type's remarks).</summary>
    public static TaskCompletionSource<T> CreateSource<T>(EventLoop? loop) =>
        loop is null ? new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously) : new TaskCompletionSource<T>();

    /// <inheritdoc cref="CreateSource{T}(EventLoop?)"/>
    public static TaskCompletionSource CreateSource(EventLoop? loop) =>
        loop is null ? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) : new TaskCompletionSource();

    /// <summary>The longest delay a system timer accepts (about 49.7 days); longer waits are treated as endless or re-armed.</summary>
    public static readonly TimeSpan MaxSystemTimerDelay = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>Cancels <paramref name="source"/> synchronously, so its registrations run right here, in this callback's turn.</summary>
    /// <remarks>On a loop this is the only right way: <c>CancelAsync</c> would run the registrations on the thread pool, where
    /// the loop cannot see them (a virtual loop would then declare a deadlock, and FIFO order would be lost).</remarks>
    public static void CancelNow(CancellationTokenSource source) => source.Cancel();

    /// <summary>Runs <paramref name="action"/> as a callback of its own on <paramref name="loop"/>, or at once off a loop.</summary>
    /// <remarks>Use it from places that may run inside someone else's code or on another thread, such as a
    /// <see cref="CancellationToken"/> registration: asyncio's <c>call_soon</c>.</remarks>
    public static void Schedule(EventLoop? loop, Action action)
    {
        if (loop is null)
        {
            action();
        }
        else
        {
            loop.Post(static a => ((Action)a!)(), action);
        }
    }
}
