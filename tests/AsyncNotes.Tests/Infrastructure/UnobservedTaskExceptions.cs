namespace AsyncNotes.Tests.Infrastructure;

/// <summary>What reached <see cref="TaskScheduler.UnobservedTaskException"/> while some code ran and the garbage collector
/// then finalized what it left: a faulted task nobody observed is reported there only when it is finalized.</summary>
/// <remarks>The event is process-wide: other tests' unobserved failures may show up too, so a test looks for its own
/// exceptions in the result (by identity or type), never at its count.</remarks>
public static class UnobservedTaskExceptions
{
    /// <summary>Runs <paramref name="run"/>, collects garbage, and returns every exception reported meanwhile. Call code that
    /// creates the tasks from a method marked <c>NoInlining</c>, so that no local keeps them alive.</summary>
    public static IReadOnlyList<Exception> During(Action run)
    {
        using var collector = new Collector();
        run();
        return collector.CollectGarbageAndRead();
    }

    /// <summary>As <see cref="During"/>, for code that awaits.</summary>
    public static async Task<IReadOnlyList<Exception>> DuringAsync(Func<Task> run)
    {
        using var collector = new Collector();
        await run();
        return collector.CollectGarbageAndRead();
    }

    /// <summary>Listens to the event from its creation until it is disposed.</summary>
    private sealed class Collector : IDisposable
    {
        private readonly List<Exception> _seen = [];

        public Collector() => TaskScheduler.UnobservedTaskException += OnUnobserved;

        public IReadOnlyList<Exception> CollectGarbageAndRead()
        {
            for (int i = 0; i < 3; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }

            lock (_seen)
            {
                return [.. _seen];
            }
        }

        public void Dispose() => TaskScheduler.UnobservedTaskException -= OnUnobserved;

        private void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e)
        {
            lock (_seen)
            {
                _seen.AddRange(e.Exception.Flatten().InnerExceptions);
            }
        }
    }
}
