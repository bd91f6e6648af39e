using System.Runtime.CompilerServices;

namespace AsyncNotes.Samples.CoreConcepts;

/// <summary>Trap <c>configure-await-false</c>: <c>ConfigureAwait(false)</c> in code on the loop sends the rest of the method
/// to the thread pool. Two such tasks then run at the same time on two threads, and a counter that was safe on the loop
/// loses updates: .NET has no GIL, and nothing makes <c>hits++</c> atomic. Measured in real time: the figures vary.</summary>
internal static class ConfigureAwaitFalse
{
    private const int HitsPerTask = 10_000_000;

    public static void Run(PartLog log)
    {
        log.Part("configure-await-false: leaving the loop, and two threads on one counter (no GIL)");
        Count(log, "bad: after await ... .ConfigureAwait(false), hits++", leaveTheLoop: true, atomically: false);
        Count(log, "good: after a plain await, hits++", leaveTheLoop: false, atomically: false);
        Count(log, "good: off the loop on purpose, Interlocked.Increment", leaveTheLoop: true, atomically: true);
    }

    // Two loop tasks each count HitsPerTask hits after one await; prints where they ran and what the counter says.
    private static void Count(PartLog log, string label, bool leaveTheLoop, bool atomically)
    {
        var counter = new HitCounter();
        int loopThread = 0, onTheLoop = 0, offTheLoop = 0;
        AsyncIO.Run(
            async () =>
            {
                loopThread = Environment.CurrentManagedThreadId;
                async Task CountHitsAsync(CancellationToken cancellationToken)
                {
                    if (leaveTheLoop)
                    {
                        // In library code this is right; in code on the loop it is the trap: the rest runs on the thread pool.
                        await AsyncIO.SleepAsync(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await AsyncIO.SleepAsync(TimeSpan.FromSeconds(1), cancellationToken);
                    }

                    if (Environment.CurrentManagedThreadId == loopThread)
                    {
                        Interlocked.Increment(ref onTheLoop);
                    }
                    else
                    {
                        // In a server, two requests counting together is the normal case. Here each waits (at most 5 s)
                        // until the other has left the loop too, so that they count at the same time even on a busy
                        // machine whose thread pool would otherwise run them one after the other.
                        Interlocked.Increment(ref offTheLoop);
                        SpinWait.SpinUntil(() => Volatile.Read(ref offTheLoop) == 2, TimeSpan.FromSeconds(5));
                    }

                    for (int i = 0; i < HitsPerTask; i++)
                    {
                        if (atomically)
                        {
                            counter.RecordAtomically();
                        }
                        else
                        {
                            counter.Hits++;
                        }
                    }
                }

                await AsyncIO.GatherAsync(AsyncIO.CreateTask(CountHitsAsync, "a"), AsyncIO.CreateTask(CountHitsAsync, "b"));
            },
            EventLoopOptions.Virtual);

        long expected = 2L * HitsPerTask;
        log.Write($"{label}: {onTheLoop} of 2 tasks counted on the loop's thread; hits = {counter.Hits} of {expected}, {expected - counter.Hits} lost");
    }

    private sealed class HitCounter
    {
        private long _hits;

        // Not inlined, so that Hits++ stays what it is in C#: a read, then an add, then a separate write, as with a counter
        // in a settings object or a database row. Two threads can both read 41 and both write 42.
        public long Hits
        {
            [MethodImpl(MethodImplOptions.NoInlining)]
            get => _hits;
            [MethodImpl(MethodImplOptions.NoInlining)]
            set => _hits = value;
        }

        public void RecordAtomically() => Interlocked.Increment(ref _hits);
    }
}
