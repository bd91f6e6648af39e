// Compiled only with -p:WithMistakes=true: a CreateTask whose failure nobody would hear of until the run ends (AN0005).
using AsyncNotes;

namespace Consumer.Mistakes;

internal static class DiscardedTask
{
    public static void Start() => _ = AsyncIO.CreateTask(ct => Task.Delay(10, ct)); // AN0005
}
