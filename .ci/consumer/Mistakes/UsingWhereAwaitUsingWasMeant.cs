// Compiled only with -p:WithMistakes=true: a user's mistake that the analyzers shipped in the AsyncNotes package must report.
namespace Consumer.Mistakes;

internal static class UsingWhereAwaitUsingWasMeant
{
    public static async Task SaveAsync(string path, string text)
    {
        using var writer = new StreamWriter(path); // AN0001
        await writer.WriteAsync(text);
    }
}
