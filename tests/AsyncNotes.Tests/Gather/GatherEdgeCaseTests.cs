using AsyncNotes.Tests.Infrastructure;
using static AsyncNotes.Tests.Infrastructure.TestLoop;

namespace AsyncNotes.Tests.Gather;

/// <summary>Children that misbehave: while they are cancelled, or by returning no task at all.</summary>
public sealed class GatherEdgeCaseTests
{
    // GA-06: one child's token callback throws; every other child is still cancelled and the gather still ends. The callback's
    // exception goes where a throwing callback on the loop always goes: to the loop's exception handler.
    [Fact]
    public void GatherAsync_ChildTokenCallbackThrows_OtherChildrenAreStillCancelledAndTheGatherEnds()
    {
        var log = new EventLog();
        var reported = new List<Exception>();
        var options = EventLoopOptions.Virtual with { ExceptionHandler = context => reported.Add(context.Exception) };

        AsyncIO.Run(
            async () =>
            {
                using var cts = new CancellationTokenSource();
                Func<CancellationToken, Task<int>>[] work =
                [
                    async ct =>
                    {
                        ct.Register(() => throw new InvalidOperationException("callback failed"));
                        await AsyncIO.SleepAsync(TimeSpan.MaxValue, ct);
                        return 0;
                    },
                    async ct =>
                    {
                        try
                        {
                            await AsyncIO.SleepAsync(TimeSpan.MaxValue, ct);
                            return 1;
                        }
                        catch (OperationCanceledException)
                        {
                            log.AddAt("sibling cancelled");
                            throw;
                        }
                    },
                ];

                Task<Outcome<int>[]> gather = AsyncIO.GatherAsync(work, returnExceptions: true, cancellationToken: cts.Token);
                await AsyncIO.SleepAsync(Seconds(1));
                cts.CancelOnLoop();
                Func<Task> awaiting = () => gather;
                await awaiting.Should().ThrowAsync<OperationCanceledException>();
                log.AddAt("gather ended");
            },
            options);

        log.Entries.Should().Equal("sibling cancelled@1", "gather ended@1");
        reported.Should().ContainSingle().Which.Should().BeOfType<AggregateException>()
            .Which.Flatten().InnerExceptions.Should().ContainSingle(e => e.Message == "callback failed");
    }

    // asyncio's gather (return_exceptions off) raises a child's real error that happens while it is being cancelled.
    [Fact]
    public void GatherAsync_ChildFailsWhileBeingCancelled_ThrowsThatFailureNotOperationCanceled()
    {
        var cleanupFailed = new InvalidOperationException("cleanup failed");

        Exception thrown = RunVirtual(async () =>
        {
            using var cts = new CancellationTokenSource();
            Func<CancellationToken, Task<int>>[] work =
            [
                async ct =>
                {
                    try
                    {
                        await AsyncIO.SleepAsync(TimeSpan.MaxValue, ct);
                        return 0;
                    }
                    catch (OperationCanceledException)
                    {
                        throw cleanupFailed;
                    }
                },
                ct => AsyncIO.SleepAsync(TimeSpan.MaxValue, 1, ct),
            ];

            Task<int[]> gather = AsyncIO.GatherAsync(work, cancellationToken: cts.Token);
            await AsyncIO.SleepAsync(Seconds(1));
            cts.CancelOnLoop();
            Func<Task> awaiting = () => gather;
            return (await awaiting.Should().ThrowAsync<Exception>()).Which;
        });

        thrown.Should().BeSameAs(cleanupFailed);
    }

    [Fact]
    public void GatherAsync_NonGenericDelegateReturnsNull_FailsWithInvalidOperationException()
    {
        Exception thrown = RunVirtual(async () =>
        {
            Task? noTask = null; // a buggy delegate; the analyzer rightly flags a literal null returned from a lambda
            Func<Task> awaiting = () => AsyncIO.GatherAsync([_ => noTask!, ct => AsyncIO.SleepAsync(Seconds(1), ct)]);
            return (await awaiting.Should().ThrowAsync<InvalidOperationException>()).Which;
        });

        thrown.Message.Should().Contain("returned null");
    }
}
