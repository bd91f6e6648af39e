using AsyncNotes.Tests.Infrastructure;
using static AsyncNotes.Tests.Infrastructure.TestLoop;

namespace AsyncNotes.Tests.Staggered;

public sealed class StaggeredRaceTests
{
    private static Func<CancellationToken, Task<string>> Attempt(EventLog log, string name, double seconds, Exception? failWith = null) =>
        async ct =>
        {
            log.AddAt($"{name}:start");
            try
            {
                await AsyncIO.SleepAsync(Seconds(seconds), ct);
            }
            catch (OperationCanceledException)
            {
                log.AddAt($"{name}:cancelled");
                throw;
            }

            if (failWith is not null)
            {
                log.AddAt($"{name}:fail");
                throw failWith;
            }

            log.AddAt($"{name}:ok");
            return name;
        };

    [Fact]
    public void StaggeredRace_NextStartsAfterTheDelayOrAtTheFailure_FirstSuccessWinsAndLosersAreCancelled()
    {
        var log = new EventLog();
        var refused = new InvalidOperationException("connection refused");

        StaggeredRaceResult<string> race = RunVirtual(async () =>
        {
            StaggeredRaceResult<string> result = await AsyncIO.StaggeredRaceAsync(
                [Attempt(log, "a", 0.5, refused), Attempt(log, "b", 10), Attempt(log, "c", 1), Attempt(log, "d", 1)],
                Seconds(2));
            log.AddAt("race:end");
            return result;
        });

        log.Entries.Should().Equal(
            "a:start@0", "a:fail@0.5", "b:start@0.5", "c:start@2.5", "c:ok@3.5", "b:cancelled@3.5", "race:end@3.5");
        race.HasWinner.Should().BeTrue();
        race.WinnerIndex.Should().Be(2);
        race.Result.Should().Be("c");
        race.Exceptions.Should().HaveCount(3, "d never started");
        race.Exceptions[0].Should().BeSameAs(refused);
        race.Exceptions[1].Should().BeAssignableTo<OperationCanceledException>();
        race.Exceptions[2].Should().BeNull();
    }

    [Fact]
    public void StaggeredRace_FirstAttemptSucceedsWithinItsHeadStart_NoOtherAttemptStarts()
    {
        var log = new EventLog();

        StaggeredRaceResult<string> race = RunVirtual(() =>
            AsyncIO.StaggeredRaceAsync([Attempt(log, "a", 0.1), Attempt(log, "b", 0.1)], Seconds(0.25)));

        log.Entries.Should().Equal("a:start@0", "a:ok@0.1");
        race.WinnerIndex.Should().Be(0);
        race.Exceptions.Should().ContainSingle().Which.Should().BeNull();
    }

    [Fact]
    public void StaggeredRace_EveryAttemptFails_ReturnsNoWinnerAndEveryFailureWithoutThrowing()
    {
        var log = new EventLog();
        var first = new InvalidOperationException("first");
        var second = new TimeoutException("second");

        StaggeredRaceResult<string> race = RunVirtual(() =>
            AsyncIO.StaggeredRaceAsync([Attempt(log, "a", 1, first), Attempt(log, "b", 1, second)], Seconds(0.5)));

        log.Entries.Should().Equal("a:start@0", "b:start@0.5", "a:fail@1", "b:fail@1.5");
        race.HasWinner.Should().BeFalse();
        race.WinnerIndex.Should().BeNull();
        race.Result.Should().BeNull();
        race.Exceptions.Should().HaveCount(2);
        race.Exceptions[0].Should().BeSameAs(first);
        race.Exceptions[1].Should().BeSameAs(second);
    }

    [Fact]
    public void StaggeredRace_NullDelay_StartsTheNextOnlyWhenThePreviousFails()
    {
        var log = new EventLog();

        StaggeredRaceResult<string> race = RunVirtual(() => AsyncIO.StaggeredRaceAsync(
            [Attempt(log, "a", 5, new InvalidOperationException()), Attempt(log, "b", 1)], delay: null));

        log.Entries.Should().Equal("a:start@0", "a:fail@5", "b:start@5", "b:ok@6");
        race.WinnerIndex.Should().Be(1);
    }

    [Fact]
    public void StaggeredRace_ZeroDelay_StartsEveryAttemptAtOnceInOrder()
    {
        var log = new EventLog();

        StaggeredRaceResult<string> race = RunVirtual(() =>
            AsyncIO.StaggeredRaceAsync([Attempt(log, "a", 3), Attempt(log, "b", 2), Attempt(log, "c", 1)], TimeSpan.Zero));

        log.Entries.Should().Equal("a:start@0", "b:start@0", "c:start@0", "c:ok@1", "a:cancelled@1", "b:cancelled@1");
        race.WinnerIndex.Should().Be(2);
    }

    // asyncio accepts a negative delay: it waits for the previous failure with that timeout, which expires at once.
    [Fact]
    public void StaggeredRace_NegativeDelay_BehavesLikeZero()
    {
        var log = new EventLog();

        StaggeredRaceResult<string> race = RunVirtual(() =>
            AsyncIO.StaggeredRaceAsync([Attempt(log, "a", 2), Attempt(log, "b", 1)], Seconds(-1)));

        log.Entries.Should().Equal("a:start@0", "b:start@0", "b:ok@1", "a:cancelled@1");
        race.WinnerIndex.Should().Be(1);
    }

    [Fact]
    public void StaggeredRace_ReturnsOnlyAfterEveryLoserHasFinishedCancelling()
    {
        var log = new EventLog();

        RunVirtual(async () =>
        {
            await AsyncIO.StaggeredRaceAsync<string>(
                [
                    async ct =>
                    {
                        try
                        {
                            await AsyncIO.SleepAsync(TimeSpan.MaxValue, ct);
                            return "never";
                        }
                        finally
                        {
                            await AsyncIO.SleepAsync(Seconds(2), CancellationToken.None);
                            log.AddAt("slow loser cleaned up");
                        }
                    },
                    Attempt(log, "b", 1),
                ],
                Seconds(1));
            log.AddAt("race:end");
        });

        log.Entries.Should().Equal("b:start@1", "b:ok@2", "slow loser cleaned up@4", "race:end@4");
    }

    [Fact]
    public void StaggeredRace_CallerCancels_CancelsEveryRunningAttemptAndThrowsOperationCanceled()
    {
        var log = new EventLog();

        RunVirtual(async () =>
        {
            using var cts = new CancellationTokenSource();
            Task<StaggeredRaceResult<string>> race = AsyncIO.StaggeredRaceAsync(
                [Attempt(log, "a", 10), Attempt(log, "b", 10), Attempt(log, "c", 10)], Seconds(1), cancellationToken: cts.Token);
            await AsyncIO.SleepAsync(Seconds(1.5));
            cts.CancelOnLoop();
            Func<Task> awaiting = () => race;
            await awaiting.Should().ThrowAsync<OperationCanceledException>();
            log.AddAt("race:cancelled");
        });

        log.Entries.Should().Equal("a:start@0", "b:start@1", "a:cancelled@1.5", "b:cancelled@1.5", "race:cancelled@1.5");
    }

    [Fact]
    public void StaggeredRace_AnAttemptThatIgnoresItsTokenAndSucceedsLater_IsNotASecondWinner()
    {
        StaggeredRaceResult<string> race = RunVirtual(() => AsyncIO.StaggeredRaceAsync<string>(
            [
                async _ =>
                {
                    await AsyncIO.SleepAsync(Seconds(3), CancellationToken.None);
                    return "stubborn";
                },
                async ct =>
                {
                    await AsyncIO.SleepAsync(Seconds(1), ct);
                    return "quick";
                },
            ],
            Seconds(1)));

        race.WinnerIndex.Should().Be(1);
        race.Result.Should().Be("quick");
        race.Exceptions.Should().HaveCount(2).And.OnlyContain(e => e == null);
    }

    [Fact]
    public void StaggeredRace_NoAttempts_ReturnsNoWinner()
    {
        StaggeredRaceResult<int> race = RunVirtual(() => AsyncIO.StaggeredRaceAsync<int>([], Seconds(1)));

        race.HasWinner.Should().BeFalse();
        race.Exceptions.Should().BeEmpty();
    }

    [Fact]
    public void StaggeredRace_Deconstructs_InTheOrderOfAsyncioTuple()
    {
        var log = new EventLog();

        (string? result, int? index, IReadOnlyList<Exception?> exceptions) = RunVirtual(() =>
            AsyncIO.StaggeredRaceAsync([Attempt(log, "a", 1)], Seconds(1)));

        result.Should().Be("a");
        index.Should().Be(0);
        exceptions.Should().ContainSingle().Which.Should().BeNull();
    }

    // The difference by design: Task.WhenAny over attempts started together gives no head start and cancels no loser.
    [Fact]
    public void WhenAny_StartsEveryAttemptAtOnce_UnlikeStaggeredRace()
    {
        var plain = new EventLog();
        var staggered = new EventLog();

        RunVirtual(async () =>
        {
            Task<string>[] all = [Attempt(plain, "a", 1)(default), Attempt(plain, "b", 1)(default)];
            await Task.WhenAny(all);
            await Task.WhenAll(all);
            await AsyncIO.StaggeredRaceAsync([Attempt(staggered, "a", 1), Attempt(staggered, "b", 1)], Seconds(0.25));
        });

        plain.Entries.Should().Equal("a:start@0", "b:start@0", "a:ok@1", "b:ok@1");
        staggered.Entries.Should().Equal("a:start@1", "b:start@1.25", "a:ok@2", "b:cancelled@2");
    }

    [Fact]
    public async Task StaggeredRace_OffTheLoop_FallsBackOnFailureAndReturnsTheWinner()
    {
        StaggeredRaceResult<int> race = await AsyncIO.StaggeredRaceAsync<int>(
            [
                async _ =>
                {
                    await Task.Yield();
                    throw new InvalidOperationException("refused");
                },
                async _ =>
                {
                    await Task.Yield();
                    return 42;
                },
            ],
            delay: null,
            cancellationToken: TestContext.Current.CancellationToken);

        race.WinnerIndex.Should().Be(1);
        race.Result.Should().Be(42);
        race.Exceptions[0].Should().BeOfType<InvalidOperationException>();
    }

    [Fact]
    public void StaggeredRace_BadInput_ThrowsAtTheCall()
    {
        Func<CancellationToken, Task<int>> ok = _ => Task.FromResult(1);

        Action noList = () => _ = AsyncIO.StaggeredRaceAsync<int>(null!, Seconds(1));
        Action nullAttempt = () => _ = AsyncIO.StaggeredRaceAsync([ok, null!], Seconds(1));

        noList.Should().Throw<ArgumentNullException>().WithParameterName("attempts");
        nullAttempt.Should().Throw<ArgumentException>().WithParameterName("attempts");
    }
}
