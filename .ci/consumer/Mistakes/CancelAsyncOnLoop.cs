// Compiled only with -p:WithMistakes=true: CancelAsync on an event loop (AN0007); and Cancel(), its fix, which CA1849
// (on in the repository's .editorconfig) reports in async code: .ci/run expects the package's suppressor to silence it
// inside the AsyncIO.Run lambda, and only there.
using AsyncNotes;

namespace Consumer.Mistakes;

internal static class CancelAsyncOnLoop
{
    public static void Run() => AsyncIO.Run(async () =>
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync(); // AN0007
        cts.Cancel(); // CA1849, suppressed on the loop (ANS0001)
    });

    public static async Task OffTheLoopAsync(CancellationTokenSource cts)
    {
        await Task.Yield();
        cts.Cancel(); // CA1849, reported: the analyzers cannot place this method on a loop
    }
}
