using AsyncNotes.Tests.Infrastructure;

namespace AsyncNotes.Tests.Staggered;

/// <summary>Off the loop, attempts end on the thread pool, possibly at the same instant.</summary>
public sealed class StaggeredRaceConcurrencyTests
{
    // Two attempts succeed at the same instant on two threads: exactly one wins, and the winner's own token is never
    // cancelled by the other. (Before the decision was made under one lock, this failed within a few iterations.)
    [Fact]
    public async Task StaggeredRace_OffTheLoop_TwoAttemptsSucceedAtOnce_OneWinnerWhoseTokenIsNotCancelled()
    {
        CancellationToken testToken = TestContext.Current.CancellationToken;
        for (int iteration = 0; iteration < 300; iteration++)
        {
            TaskCompletionSource<int>[] gates = [new(), new()];
            var tokens = new CancellationToken[2];
            Func<CancellationToken, Task<int>> Attempt(int index) => async ct =>
            {
                tokens[index] = ct;
                return await gates[index].Task;
            };

            Task<StaggeredRaceResult<int>> race = AsyncIO.StaggeredRaceAsync([Attempt(0), Attempt(1)], TimeSpan.Zero, cancellationToken: testToken);
            await Together.RunAsync(testToken, () => gates[0].SetResult(0), () => gates[1].SetResult(1));
            StaggeredRaceResult<int> result = await race;

            int winner = result.WinnerIndex!.Value;
            result.Result.Should().Be(winner);
            tokens[winner].IsCancellationRequested.Should().BeFalse($"iteration {iteration}: the winner's token was cancelled");
        }
    }
}
