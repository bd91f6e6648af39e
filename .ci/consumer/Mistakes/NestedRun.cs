// Compiled only with -p:WithMistakes=true: asyncio.run() inside an async function, which AN0002 must report.
using AsyncNotes;

namespace Consumer.Mistakes;

internal static class NestedRun
{
    public static async Task<int> HandlerAsync()
    {
        await Task.Yield();
        return AsyncIO.Run(() => Task.FromResult(42)); // AN0002
    }
}
