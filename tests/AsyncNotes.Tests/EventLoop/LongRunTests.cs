using static AsyncNotes.Tests.Infrastructure.TestLoop;

namespace AsyncNotes.Tests.EventLoops;

// A long run must cost the same per step as a short one: the loop keeps nothing per callback.
public sealed class LongRunTests
{
    // Found by the queue benchmark: an async iterator's continuations reach the loop as a new delegate each step, and the
    // loop remembered every one of them (a list that grew, and was copied, once per step).
    [Fact]
    public void AnAsyncIteratorOnTheLoop_ForManySteps_LeavesTheLoopsMemoryOfContinuationsBounded()
    {
        static async IAsyncEnumerable<int> CountAsync(int n)
        {
            for (int i = 0; i < n; i++)
            {
                await AsyncIO.SleepAsync(TimeSpan.Zero);
                yield return i;
            }
        }

        long sum = RunVirtual(async () =>
        {
            long total = 0;
            await foreach (int i in CountAsync(20_000))
            {
                total += i;
            }

            return total;
        });

        sum.Should().Be(20_000L * 19_999 / 2);
        EventLoopSynchronizationContext.RememberedContinuations.Should().BeLessThanOrEqualTo(16);
    }
}
