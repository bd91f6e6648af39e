namespace AsyncNotes.Tests.Infrastructure;

public static class CancellationExtensions
{
    /// <summary>Cancels synchronously, so registered callbacks run right here, on the loop thread, in order.</summary>
    /// <remarks>
    /// On an event loop use this, not <see cref="CancellationTokenSource.CancelAsync"/>: CancelAsync runs the callbacks on
    /// the thread pool, work the loop cannot see, and a virtual loop would rightly report that nothing it knows of is left
    /// to wake the waiting tasks. (The analyzers that prefer CancelAsync inside async methods do not know about the loop.)
    /// </remarks>
    public static void CancelOnLoop(this CancellationTokenSource source) => source.Cancel();
}
