namespace AsyncNotes;

/// <summary>The functions of Python's <c>asyncio</c> module, with asyncio's semantics, for .NET tasks.</summary>
/// <remarks>
/// <para>Maps the <c>asyncio</c> module itself. The Python line it replaces:</para>
/// <code>import asyncio</code>
/// <para>Each member names the asyncio function it maps, the Python line it replaces, and how it differs from the BCL
/// method a C# developer would otherwise reach for. Members that need a loop use <see cref="EventLoop.Current"/> when
/// called on one (deterministic order, the loop's clock) and the thread pool with <see cref="TimeProvider.System"/> off it.</para>
/// <seealso href="https://docs.python.org/3/library/asyncio.html">asyncio</seealso>
/// </remarks>
public static partial class AsyncIO
{
}
