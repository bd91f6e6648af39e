namespace AsyncNotes;

/// <summary>Thrown by <see cref="AsyncBarrier.WaitAsync"/> when the barrier is aborted or reset while a party waits, or is
/// broken when a party arrives: asyncio's <c>BrokenBarrierError</c>.</summary>
/// <remarks>
/// <para>Maps asyncio's <c>BrokenBarrierError</c>. The Python line it replaces:</para>
/// <code>except asyncio.BrokenBarrierError:</code>
/// <para>The BCL's <see cref="BarrierPostPhaseException"/> is about a post-phase action failing, not about a broken barrier.</para>
/// </remarks>
public sealed class BrokenBarrierException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public BrokenBarrierException()
        : base("The barrier is broken.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    /// <param name="message">What happened.</param>
    public BrokenBarrierException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The cause.</param>
    public BrokenBarrierException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
