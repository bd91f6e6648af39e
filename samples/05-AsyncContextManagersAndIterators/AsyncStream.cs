using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace AsyncNotes.Samples.ContextManagers;

/// <summary>The notes' <c>AsyncStream</c>: a real file read in chunks, as an <see cref="IAsyncEnumerable{T}"/>.</summary>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "The notes' name for it.")]
public static class AsyncStream
{
    /// <summary>Reads the file at <paramref name="path"/> in chunks of at most <paramref name="chunkSize"/> bytes: Python's
    /// <c>__anext__</c> is <c>MoveNextAsync</c>, and the end of the file ends the loop, as <c>StopAsyncIteration</c> does.</summary>
    /// <param name="path">The file.</param>
    /// <param name="chunkSize">The largest chunk, in bytes.</param>
    /// <param name="log">Told when the file opens and closes.</param>
    /// <param name="cancellationToken">Cancels the read in progress.</param>
    /// <returns>Each chunk; valid until the next one is asked for (the buffer is reused).</returns>
    /// <remarks>The file is closed in a <c>finally</c> inside the iterator, so leaving <c>await foreach</c> early
    /// (<c>break</c>, an exception, cancellation) disposes the enumerator, which closes the file at once: what Python's
    /// <c>contextlib.aclosing</c> is needed for.</remarks>
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadChunksAsync(
        string path, int chunkSize, Action<string> log, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        ArgumentNullException.ThrowIfNull(log);
        byte[] buffer = new byte[chunkSize];
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, useAsync: true);
        log($"file opened: {Path.GetFileName(path)}");
        try
        {
            int read;
            while ((read = await file.ReadAsync(buffer, cancellationToken)) > 0)
            {
                yield return buffer.AsMemory(0, read);
            }
        }
        finally
        {
            await file.DisposeAsync();
            log("file closed");
        }
    }
}
