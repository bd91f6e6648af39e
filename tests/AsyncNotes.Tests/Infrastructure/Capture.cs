namespace AsyncNotes.Tests.Infrastructure;

/// <summary>Runs an awaitable and hands back what it threw, so a test can log the outcome at its exact instant.</summary>
public static class Capture
{
    /// <summary>Awaits <paramref name="action"/>; returns the exception it threw, or <see langword="null"/>.</summary>
    public static async Task<Exception?> ExceptionAsync(Func<Task> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            await action();
            return null;
        }
        catch (Exception exception)
        {
            return exception;
        }
    }
}
