using System.Text;

namespace AsyncNotes.Samples.ContextManagers;

/// <summary>A log file with both <see cref="IDisposable"/> and <see cref="IAsyncDisposable"/>, like <see cref="FileStream"/>
/// and most .NET I/O types: the shape in which <c>using</c> compiles where <c>await using</c> was meant.</summary>
public sealed class AuditFile : IDisposable, IAsyncDisposable
{
    private readonly StreamWriter _writer;
    private readonly Action<string> _log;

    /// <summary>Creates the file at <paramref name="path"/>; lines are buffered until it is closed.</summary>
    public AuditFile(string path, Action<string> log)
    {
        _writer = new StreamWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 4096, useAsync: true), Encoding.UTF8);
        _log = log;
    }

    /// <summary>Buffers a line.</summary>
    public Task WriteLineAsync(string line) => _writer.WriteLineAsync(line);

    /// <summary>Flushes and closes with a blocking write: on a loop, every task waits for the disk.</summary>
    public void Dispose()
    {
        _writer.Dispose();
        _log("Dispose(): flushed and closed with a blocking write, on the loop's thread");
    }

    /// <summary>Flushes and closes with an awaited write: the loop runs other tasks meanwhile.</summary>
    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync();
        _log("DisposeAsync(): flushed and closed with an awaited write");
    }
}
