namespace AsyncNotes.Tests.Infrastructure;

/// <summary>Runs actions on dedicated threads that start at the same moment, to race them against each other.</summary>
public static class Together
{
    /// <summary>Runs each of <paramref name="actions"/> on a thread of its own; they all wait at one barrier and start when
    /// the last one gets there. The task completes when every action has returned.</summary>
    public static async Task RunAsync(CancellationToken cancellationToken, params Action[] actions)
    {
        using var barrier = new Barrier(actions.Length);
        Task[] threads = [.. actions.Select(action => Task.Factory.StartNew(
            () =>
            {
                barrier.SignalAndWait(cancellationToken);
                action();
            },
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default))];
        await Task.WhenAll(threads);
    }
}
