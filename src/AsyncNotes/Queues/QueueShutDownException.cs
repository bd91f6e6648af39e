namespace AsyncNotes;

/// <summary>Thrown by a queue operation after <see cref="AsyncQueue{T}.Shutdown"/>: asyncio's <c>QueueShutDown</c>.</summary>
/// <remarks>
/// <para>Maps asyncio's <c>QueueShutDown</c> (Python 3.13). The Python line it replaces:</para>
/// <code>except asyncio.QueueShutDown:</code>
/// <para>A <c>Channel</c>'s reader instead ends its <c>ReadAllAsync</c> quietly, and its writer throws
/// <see cref="System.Threading.Channels.ChannelClosedException"/>.</para>
/// </remarks>
public sealed class QueueShutDownException : InvalidOperationException
{
    /// <summary>Creates the exception with a default message.</summary>
    public QueueShutDownException()
        : base("The queue has been shut down.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    /// <param name="message">What happened.</param>
    public QueueShutDownException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The cause.</param>
    public QueueShutDownException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
