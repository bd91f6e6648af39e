namespace AsyncNotes.Samples.CommonMistakes;

/// <summary>Mistake 6, creating the event loop by hand where <c>asyncio.run()</c> serves. AsyncNotes' <see cref="EventLoop"/>
/// has no public constructor, so the Python form does not compile (CS1729: no constructor that takes its arguments). The .NET form of the mistake is a synchronous
/// <c>Main</c> that blocks on its async work by hand: nothing then does what <c>asyncio.run</c> does at the end, cancel
/// the tasks still pending and wait for their cleanup. Measured: how many of three background workers had run their
/// <c>finally</c> when main returned.</summary>
internal static class LoopByHand
{
    private const int Workers = 3;

    public static void Run(PartLog log)
    {
        log.Part("6. creating the event loop by hand (loop-by-hand)");
        log.Write("new EventLoop(...) does not compile: EventLoop has no public constructor (error CS1729); AsyncIO.Run is the way in");

        // Wrong: a synchronous Main that blocks on MainAsync by hand, with workers on the thread pool.
        var cleanedUp = new CleanupCount();
        using var never = new CancellationTokenSource(); // nobody cancels the workers: that is the mistake
#pragma warning disable VSTHRD002 // the mistake, on purpose: blocking on async work by hand instead of AsyncIO.Run
        HandMadeMainAsync(cleanedUp, never.Token).GetAwaiter().GetResult();
#pragma warning restore VSTHRD002
        log.Write($"wrong: MainAsync().GetAwaiter().GetResult(): when main returned, {cleanedUp.Count} of {Workers} workers had cleaned up");
        never.Cancel(); // the sample tidies up; a real program would have exited with its workers' cleanup never run

        // Fixed: AsyncIO.Run cancels the tasks still pending when main returns, and waits for their cleanup.
        var cleaned = new CleanupCount();
        AsyncIO.Run(async () =>
        {
            for (int i = 0; i < Workers; i++)
            {
                AsyncIO.CreateTask(ct => WorkerAsync(cleaned, ct), name: $"worker {i + 1}").Forget();
            }

            await AsyncIO.SleepAsync(TimeSpan.FromSeconds(1));
        }, EventLoopOptions.Virtual);
        log.Write($"fixed: AsyncIO.Run(MainAsync): when main returned, {cleaned.Count} of {Workers} workers had cleaned up");
        log.Write("caught by: the compiler (CS1729) for the loop; VSTHRD002 for the blocking wait");
    }

    private static async Task HandMadeMainAsync(CleanupCount cleanedUp, CancellationToken token)
    {
        for (int i = 0; i < Workers; i++)
        {
            _ = Task.Run(() => WorkerAsync(cleanedUp, token), CancellationToken.None);
        }

        await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
    }

    private static async Task WorkerAsync(CleanupCount cleanedUp, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }
        finally
        {
            cleanedUp.Add(); // flush a buffer, close a connection: the work that must not be skipped
        }
    }

    private sealed class CleanupCount
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Add() => Interlocked.Increment(ref _count);
    }
}
