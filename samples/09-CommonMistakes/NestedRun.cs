namespace AsyncNotes.Samples.CommonMistakes;

/// <summary>Mistake 1, <c>asyncio.run()</c> inside an async function: <c>AsyncIO.Run</c> inside async code.</summary>
internal static class NestedRun
{
    public static void Run(PartLog log) => AsyncIO.Run(() => PartAsync(log), EventLoopOptions.Virtual);

    private static async Task PartAsync(PartLog log)
    {
        log.Part("1. asyncio.run() inside an async function (nested-run)");

        // Wrong: a second run, from code that is already running on a loop.
        try
        {
#pragma warning disable AN0002 // the mistake, on purpose: this part shows what it does
            string user = AsyncIO.Run(() => Users.FetchUserAsync(1));
#pragma warning restore AN0002
            log.Print($"wrong: got {user}");
        }
        catch (InvalidOperationException mistake)
        {
            log.Print($"wrong: AsyncIO.Run(...) throws InvalidOperationException: \"{FirstSentence(mistake.Message)}\"");
        }

        // Fixed: the async function awaits.
        string fetched = await Users.FetchUserAsync(1);
        log.Print($"fixed: await FetchUserAsync(1) -> {fetched}");
        log.Write("caught by: AN0002 (AsyncNotes.Analyzers), with a fix that writes the await");
    }

    private static string FirstSentence(string message) => message[..(message.IndexOf(':', StringComparison.Ordinal) + 1)];
}
