namespace AsyncNotes;

/// <summary>
/// Thrown by <see cref="AsyncIO.Run(Func{Task}, EventLoopOptions?)"/> on a virtual-time loop when nothing can ever run again:
/// no callback is ready, no timer is due, no tracked work is in flight, and nothing arrived within
/// <see cref="EventLoopOptions.AutoJumpThreshold"/>.
/// </summary>
/// <remarks>
/// <para>asyncio has no counterpart: a real <c>asyncio.run</c> would hang forever. The Python code it reports is of this kind:</para>
/// <code>await asyncio.Event().wait()   # nobody will ever call set()</code>
/// <para>On a real-time loop the same program hangs, as in asyncio, because an I/O completion could still arrive.</para>
/// </remarks>
public sealed class EventLoopDeadlockException : InvalidOperationException
{
    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public EventLoopDeadlockException(string message)
        : base(message)
    {
        WaitingTasks = [];
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public EventLoopDeadlockException(string message, Exception innerException)
        : base(message, innerException)
    {
        WaitingTasks = [];
    }

    /// <summary>Creates the exception with nothing but a default message.</summary>
    public EventLoopDeadlockException()
        : this("The event loop is deadlocked.")
    {
    }

    internal EventLoopDeadlockException(string message, TimeSpan elapsed, IReadOnlyList<string> waitingTasks)
        : base(message)
    {
        Elapsed = elapsed;
        WaitingTasks = waitingTasks;
    }

    /// <summary>Gets the loop's clock when the deadlock was found.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Gets the names of the loop tasks that were still waiting (<c>main</c> first).</summary>
    public IReadOnlyList<string> WaitingTasks { get; }
}
