namespace AsyncNotes.Tests.Infrastructure;

/// <summary>Measures "one turn of the loop": posts callback A now, and A posts B, one turn later.</summary>
/// <remarks>Code that yields exactly one turn resumes after A and before B; zero turns, before A; two turns, after B.</remarks>
public static class TurnProbe
{
    /// <summary>Posts A (which posts B) to the current loop, logging "A" and "B"; the task completes when B has run.</summary>
    public static Task PostAThenBAsync(EventLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        SynchronizationContext context = SynchronizationContext.Current ?? throw new InvalidOperationException("Not on an event loop.");
        var bRan = new TaskCompletionSource();
        context.Post(
            _ =>
            {
                log.Add("A");
                context.Post(
                    _ =>
                    {
                        log.Add("B");
                        bRan.SetResult();
                    },
                    null);
            },
            null);
        return bRan.Task;
    }
}
