using System.Reflection;

namespace AsyncNotes;

/// <summary>The loop's <see cref="SynchronizationContext"/>: every post becomes a ready callback on the loop.</summary>
/// <remarks>
/// <para>Maps <c>loop.call_soon_threadsafe</c>. Posts from any thread queue in arrival order.</para>
/// <para>Each instance stands for one task's step: the loop runs every callback under an instance of its own, and code that
/// awaits captures the instance it runs under. The runtime resumes an awaiter inline only when the completing code runs under
/// the very instance the awaiter captured; so a completion in any other step posts the awaiter, as asyncio's
/// <c>set_result</c> schedules its waiters. An await continuation posted here runs under this same instance again: the
/// chain of async methods that one task awaits directly resumes as one step, as a chain of coroutines does in asyncio
/// (<c>await coro()</c> costs no turn). Any other callback posted here (a user's <c>Post</c>, asyncio's <c>call_soon</c>)
/// runs as a step of its own.</para>
/// </remarks>
internal sealed class EventLoopSynchronizationContext : SynchronizationContext
{
    // The runtime posts await continuations (and Task.Yield's) through static delegates of System.Private.CoreLib; they are
    // recognised by module once, then by reference.
    private static readonly Module s_coreLib = typeof(Task).Module;
    private const int MaxRemembered = 16;
    private static SendOrPostCallback?[] s_continuationCallbacks = [];

    public EventLoopSynchronizationContext(EventLoop loop) => Loop = loop;

    public EventLoop Loop { get; }

    /// <summary>How many continuation delegates are remembered (for the test that pins the bound).</summary>
    internal static int RememberedContinuations => Volatile.Read(ref s_continuationCallbacks).Length;

    public override void Post(SendOrPostCallback d, object? state)
    {
        ArgumentNullException.ThrowIfNull(d);
        Loop.PostAs(IsAwaitContinuation(d) ? this : null, d, state);
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

    private static bool IsAwaitContinuation(SendOrPostCallback callback)
    {
        SendOrPostCallback?[] known = Volatile.Read(ref s_continuationCallbacks);
        foreach (SendOrPostCallback? candidate in known)
        {
            if (ReferenceEquals(candidate, callback))
            {
                return true;
            }
        }

        if (callback.Target is not null && callback.Target.GetType().Module != s_coreLib)
        {
            return false;
        }

        if (callback.Method.Module != s_coreLib)
        {
            return false;
        }

        // Remembered only while the list is short: the runtime's static delegates are a handful, but some continuations
        // (an async iterator's, for one) come as a new delegate instance each time, and remembering those grew the list by
        // one per step (memory and time growing with the length of the run). Races only duplicate an entry.
        if (known.Length < MaxRemembered)
        {
            Volatile.Write(ref s_continuationCallbacks, [.. known, callback]);
        }

        return true;
    }
}
