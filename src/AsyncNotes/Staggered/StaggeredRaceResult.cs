namespace AsyncNotes;

/// <summary>The outcome of <see cref="AsyncIO.StaggeredRaceAsync{T}(IEnumerable{Func{CancellationToken, Task{T}}}, TimeSpan?, TimeProvider?, CancellationToken)"/>:
/// the winner's index and result, and what happened to every attempt that started.</summary>
/// <remarks>
/// <para>Maps the tuple that asyncio's <c>staggered_race</c> returns. The Python line it replaces:</para>
/// <code>winner_result, winner_index, exceptions = await staggered_race(attempts, delay=0.25)</code>
/// <para>Deconstructs in the same order, so <c>var (result, index, exceptions) = await AsyncIO.StaggeredRaceAsync(...)</c>
/// reads like the Python.</para>
/// </remarks>
/// <typeparam name="T">The type of an attempt's result.</typeparam>
public sealed class StaggeredRaceResult<T>
{
    internal StaggeredRaceResult(int? winnerIndex, T? result, IReadOnlyList<Exception?> exceptions)
    {
        WinnerIndex = winnerIndex;
        Result = result;
        Exceptions = exceptions;
    }

    /// <summary>Whether an attempt succeeded.</summary>
    public bool HasWinner => WinnerIndex is not null;

    /// <summary>The index of the attempt that succeeded first, or <see langword="null"/> when every attempt failed (or there was none).</summary>
    public int? WinnerIndex { get; }

    /// <summary>The winner's result, or <see langword="default"/> when there is no winner.</summary>
    public T? Result { get; }

    /// <summary>One entry per attempt that started, in start order: the exception it failed with (an
    /// <see cref="OperationCanceledException"/> for a loser cancelled after the winner succeeded), or <see langword="null"/>
    /// for the winner and for an attempt that ended without failing after the race was decided. Attempts that never
    /// started have no entry.</summary>
    public IReadOnlyList<Exception?> Exceptions { get; }

    /// <summary>Deconstructs in the order of asyncio's tuple: result, index, exceptions.</summary>
    /// <param name="result">The winner's result.</param>
    /// <param name="winnerIndex">The winner's index.</param>
    /// <param name="exceptions">The started attempts' exceptions.</param>
    public void Deconstruct(out T? result, out int? winnerIndex, out IReadOnlyList<Exception?> exceptions)
    {
        result = Result;
        winnerIndex = WinnerIndex;
        exceptions = Exceptions;
    }
}
