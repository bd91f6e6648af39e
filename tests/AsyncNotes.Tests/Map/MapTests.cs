using AsyncNotes.Tests.Infrastructure;
using static AsyncNotes.Tests.Infrastructure.TestLoop;

namespace AsyncNotes.Tests.Map;

// AsyncIO.MapAsync's rules, on the virtual loop (exact times), and one run on the thread pool.
public sealed class MapTests
{
    private static async Task<int> SleepThenReturnAsync(int value, double seconds, CancellationToken ct)
    {
        await AsyncIO.SleepAsync(Seconds(seconds), ct);
        return value;
    }

    [Fact]
    public void Ordered_YieldsInInputOrder_NeverMoreThanTheLimitInFlight()
    {
        int inFlight = 0;
        int peak = 0;
        (List<int> Results, TimeSpan End) outcome = RunVirtual(async () =>
        {
            var results = new List<int>();
            double[] durations = [3, 1, 2, 1, 1, 2];
            await foreach (int value in AsyncIO.MapAsync(
                Enumerable.Range(0, durations.Length),
                async (i, ct) =>
                {
                    peak = Math.Max(peak, ++inFlight);
                    int r = await SleepThenReturnAsync(i, durations[i], ct);
                    inFlight--;
                    return r;
                },
                maxConcurrency: 2))
            {
                results.Add(value);
            }

            return (results, Now);
        });

        outcome.Results.Should().Equal(0, 1, 2, 3, 4, 5);
        peak.Should().Be(2);

        // Ordered, a result waiting for an earlier one still holds its slot: 1 (done at 1) waits for 0 (done at 3); then 2
        // and 3 run from 3, 3 waits for 2 (done at 5); then 4 and 5 run from 5, and 5 ends at 7.
        outcome.End.Should().Be(Seconds(7));
    }

    [Fact]
    public void Unordered_YieldsInCompletionOrder()
    {
        List<int> results = RunVirtual(async () =>
        {
            var seen = new List<int>();
            double[] durations = [3, 1, 2];
            await foreach (int value in AsyncIO.MapAsync(Enumerable.Range(0, 3), (i, ct) => SleepThenReturnAsync(i, durations[i], ct), maxConcurrency: 3, ordered: false))
            {
                seen.Add(value);
            }

            return seen;
        });

        results.Should().Equal(1, 2, 0);
    }

    [Fact]
    public void Backpressure_TheSourceIsReadOnlyAsSlotsFree()
    {
        var log = new EventLog();
        RunVirtual(async () =>
        {
            async IAsyncEnumerable<int> SourceAsync()
            {
                for (int i = 0; i < 4; i++)
                {
                    log.AddAt($"read {i}");
                    yield return i;
                    await Task.CompletedTask;
                }
            }

            await foreach (int value in AsyncIO.MapAsync(SourceAsync(), (i, ct) => SleepThenReturnAsync(i, 1, ct), maxConcurrency: 2, ordered: false))
            {
                log.AddAt($"got {value}");
            }
        });

        // Both first items end at 1 and are yielded together; only then are two more read.
        log.Entries.Should().Equal("read 0@0", "read 1@0", "got 0@1", "got 1@1", "read 2@1", "read 3@1", "got 2@2", "got 3@2");
    }

    [Fact]
    public void FirstFailure_CancelsTheRest_WaitsForThem_AndIsThrown()
    {
        var failure = new InvalidOperationException("item 1");
        var cancelled = new List<int>();
        RunVirtual(async () =>
        {
            Func<Task> act = async () =>
            {
                await foreach (int _ in AsyncIO.MapAsync(
                    Enumerable.Range(0, 10),
                    async (i, ct) =>
                    {
                        try
                        {
                            await AsyncIO.SleepAsync(Seconds(i == 1 ? 1 : 5), ct);
                        }
                        catch (OperationCanceledException)
                        {
                            await AsyncIO.SleepAsync(Seconds(0.5), CancellationToken.None); // cleanup, awaited before the throw
                            cancelled.Add(i);
                            throw;
                        }

                        return i == 1 ? throw failure : i;
                    },
                    maxConcurrency: 3))
                {
                }
            };

            (await act.Should().ThrowAsync<InvalidOperationException>()).Which.Should().BeSameAs(failure);
            Now.Should().Be(Seconds(1.5));
        });

        cancelled.Should().Equal(0, 2);
    }

    [Fact]
    public void BreakingOut_CancelsAndAwaitsWhatIsInFlight()
    {
        var ended = new List<string>();
        RunVirtual(async () =>
        {
            await foreach (int value in AsyncIO.MapAsync(
                Enumerable.Range(0, 100),
                async (i, ct) =>
                {
                    try
                    {
                        await AsyncIO.SleepAsync(Seconds(i == 0 ? 1 : 10), ct);
                        return i;
                    }
                    finally
                    {
                        ended.Add($"{i}@{Now.TotalSeconds}");
                    }
                },
                maxConcurrency: 3,
                ordered: false))
            {
                value.Should().Be(0);
                break;
            }

            ended.Should().BeEquivalentTo(["0@1", "1@1", "2@1"], "the two still in flight were cancelled and awaited before the loop ended");
        });
    }

    [Fact]
    public void Cancellation_StopsTheSourceAndEveryItem()
    {
        using var cancel = new CancellationTokenSource();
        int started = 0;
        RunVirtual(async () =>
        {
            _ = AsyncIO.CreateTask(async ct =>
            {
                await AsyncIO.SleepAsync(Seconds(1.5), ct);
                cancel.CancelOnLoop();
            });
            Func<Task> act = async () =>
            {
                await foreach (int _ in AsyncIO.MapAsync(
                    Enumerable.Range(0, 100),
                    (i, ct) =>
                    {
                        started++;
                        return SleepThenReturnAsync(i, 1, ct);
                    },
                    maxConcurrency: 2).WithCancellation(cancel.Token))
                {
                }
            };

            await act.Should().ThrowAsync<OperationCanceledException>();
            Now.Should().Be(Seconds(1.5));
        });

        started.Should().Be(4);
    }

    [Fact]
    public void BadArguments_AreRefusedAtTheCall()
    {
        Action noSource = () => _ = AsyncIO.MapAsync((IEnumerable<int>)null!, (i, _) => Task.FromResult(i), 1);
        Action noFunc = () => _ = AsyncIO.MapAsync(Enumerable.Range(0, 1), (Func<int, CancellationToken, Task<int>>)null!, 1);
        Action zero = () => _ = AsyncIO.MapAsync(Enumerable.Range(0, 1), (i, _) => Task.FromResult(i), 0);
        noSource.Should().Throw<ArgumentNullException>();
        noFunc.Should().Throw<ArgumentNullException>();
        zero.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public async Task OffTheLoop_AllResultsInOrder_WithinTheLimit()
    {
        int inFlight = 0;
        int peak = 0;
        var results = new List<int>();
        await foreach (int value in AsyncIO.MapAsync(
            Enumerable.Range(0, 200),
            async (i, ct) =>
            {
                int now = Interlocked.Increment(ref inFlight);
                int seen;
                while ((seen = Volatile.Read(ref peak)) < now && Interlocked.CompareExchange(ref peak, now, seen) != seen)
                {
                }

                await Task.Yield();
                Interlocked.Decrement(ref inFlight);
                return i;
            },
            maxConcurrency: 4,
            cancellationToken: TestContext.Current.CancellationToken))
        {
            results.Add(value);
        }

        results.Should().Equal(Enumerable.Range(0, 200));
        peak.Should().BeInRange(1, 4);
    }
}
