namespace AsyncNotes;

/// <summary>The rules every AsyncNotes primitive follows so that it works on the loop and off it alike.</summary>
/// <remarks>
/// <list type="number">
///   <item>Time comes from the caller's <see cref="TimeProvider"/>, else the current loop's clock, else the system clock.</item>
///   <item>Awaits go back to the loop on a loop and to nothing off it (<see cref="OnLoop"/>).</item>
///   <item>Waiters are <see cref="LoopFuture{T}"/>s, which schedule their awaiters on the loop; deadlines are
///   <see cref="LoopDeadline"/>s; watched tasks go through <see cref="TaskObserver"/>.</item>
/// </list>
/// </remarks>
internal static class LoopAware
{
    /// <summary>What every library await passes to <c>ConfigureAwait</c>: back to the loop on a loop (its code belongs there),
    /// to nothing off it, so that a foreign <see cref="SynchronizationContext"/> (a UI thread blocked on the result) is never
    /// captured by AsyncNotes' own awaits.</summary>
    public static bool OnLoop => EventLoop.Current is not null;

    /// <summary><see cref="OnLoop"/> for an await whose outcome is read from the task afterwards: back to the loop on a loop,
    /// to nothing off it, and without throwing the task's exception (a waiter that decides what its own cancellation or
    /// failure means).</summary>
    public static ConfigureAwaitOptions OnLoopWithoutThrowing => OnLoop
        ? ConfigureAwaitOptions.ContinueOnCapturedContext | ConfigureAwaitOptions.SuppressThrowing
        : ConfigureAwaitOptions.SuppressThrowing;

    /// <summary>The clock to use: <paramref name="timeProvider"/>, else the current loop's, else <see cref="TimeProvider.System"/>.</summary>
    /// <param name="timeProvider">The clock the caller passed, if any.</param>
    /// <param name="call">The API called, for the debug-mode check (<see cref="EventLoop.CurrentFor"/>).</param>
    public static TimeProvider ResolveTime(TimeProvider? timeProvider, string call) =>
        timeProvider ?? EventLoop.CurrentFor(call)?.Time ?? TimeProvider.System;

    /// <summary>Cancels <paramref name="source"/> synchronously, so its registrations run right here, in this callback's turn.</summary>
    /// <remarks>On a loop this is the right way: <c>CancelAsync</c> would run the registrations on the thread pool, and the
    /// moment between the pool taking that work and running it is not visible to a virtual loop.</remarks>
    public static void CancelNow(CancellationTokenSource source) => source.Cancel();
}
