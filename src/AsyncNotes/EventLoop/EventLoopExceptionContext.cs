namespace AsyncNotes;

/// <summary>What the event loop knows about an exception that no awaiter can receive.</summary>
/// <remarks>
/// <para>Maps the <c>context</c> dictionary that asyncio passes to a handler set with <c>loop.set_exception_handler</c>.
/// The Python line it replaces:</para>
/// <code>loop.set_exception_handler(lambda loop, context: log(context["message"], context.get("exception")))</code>
/// </remarks>
/// <param name="Message">A sentence that says where the exception came from.</param>
/// <param name="Exception">The exception.</param>
/// <param name="TaskName">The name of the loop task it came from, when it came from one.</param>
public sealed record EventLoopExceptionContext(string Message, Exception Exception, string? TaskName = null);
