namespace AsyncNotes;

/// <summary>The loop's <see cref="SynchronizationContext"/>: every post becomes a ready callback on the loop.</summary>
/// <remarks>Maps <c>loop.call_soon_threadsafe</c>. Posts from any thread queue in arrival order.</remarks>
internal sealed class EventLoopSynchronizationContext : SynchronizationContext
{
    public EventLoopSynchronizationContext(EventLoop loop) => Loop = loop;

    public EventLoop Loop { get; }

    public override void Post(SendOrPostCallback d, object? state)
    {
        ArgumentNullException.ThrowIfNull(d);
        Loop.Post(d, state);
    }

    public override void Send(SendOrPostCallback d, object? state)
    {
        ArgumentNullException.ThrowIfNull(d);

        // Only the loop thread may run a callback synchronously: from any other thread, Send would have to block until
        // the loop got round to it, which is sync-over-async and deadlocks when the loop is waiting for that thread.
        if (!Loop.IsOnLoopThread)
        {
            throw new NotSupportedException("Send is only supported on the event loop's own thread; use Post.");
        }

        d(state);
    }

    public override SynchronizationContext CreateCopy() => this;
}
