namespace AsyncNotes.Samples.Production;

/// <summary>The notes' "Production" section: FastAPI's async route on an async database session, and LangChain's
/// <c>ainvoke</c> fanned out with <c>asyncio.gather</c>; here an ASP.NET Core minimal API on EF Core, and the same fan-out
/// through AsyncNotes.Http (a client from <c>IHttpClientFactory</c>, a limit, retries, timeouts), against servers the
/// sample starts on 127.0.0.1.</summary>
public static class ProductionSample
{
    /// <summary>Runs every part, writing to <paramref name="output"/>. Real I/O on the real clock: what it prints does not
    /// depend on timing, but for the figures marked <c>&lt;measured&gt;</c> in the README.</summary>
    public static void Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var log = new PartLog(output);
        UserRoute.Run(log);
        ModelFanOut.Run(log);
        IdempotentPost.Run(log);
    }
}
