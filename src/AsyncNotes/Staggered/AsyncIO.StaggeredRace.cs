namespace AsyncNotes;

public static partial class AsyncIO
{
    /// <summary>Runs <paramref name="attempts"/> one after another, starting the next when the previous one fails or after
    /// <paramref name="delay"/>, whichever comes first; the first to succeed wins and the rest are cancelled.</summary>
    /// <remarks>
    /// <para>Maps asyncio's <c>staggered_race</c> (the Happy Eyeballs algorithm of RFC 8305, which
    /// <c>loop.create_connection(happy_eyeballs_delay=...)</c> uses). The Python line it replaces:</para>
    /// <code>winner_result, winner_index, exceptions = await staggered_race([connect_v6, connect_v4], delay=0.25)</code>
    /// <para>The BCL has nothing like it: <c>Task.WhenAny</c> over attempts started together is a plain race, which opens every
    /// connection at once instead of giving the preferred one a head start, and cancels no loser.</para>
    /// <para>Rules:</para>
    /// <list type="bullet">
    ///   <item>The first attempt starts at once. Attempt <c>i + 1</c> starts <paramref name="delay"/> after attempt <c>i</c>
    ///   started, or as soon as attempt <c>i</c> fails, whichever is first. A <see langword="null"/> delay waits for the failure
    ///   alone; a zero delay starts every attempt at once, in order, and so does a negative one (asyncio waits for the
    ///   previous failure with that timeout, which then expires at once).</item>
    ///   <item>The first attempt to succeed wins: no further attempt starts and every other running attempt's token is cancelled.</item>
    ///   <item>The race returns only when every started attempt has ended, so no attempt is left running behind it.</item>
    ///   <item>When every attempt fails, the result has no winner (<see cref="StaggeredRaceResult{T}.HasWinner"/> is false)
    ///   and nothing is thrown: each failure is in <see cref="StaggeredRaceResult{T}.Exceptions"/> at its attempt's index.</item>
    ///   <item>Cancelling <paramref name="cancellationToken"/> cancels every running attempt, waits for them to end, and throws
    ///   <see cref="OperationCanceledException"/>, as asyncio re-raises the <c>CancelledError</c>, even when a winner was
    ///   found while the losers were still unwinding (dispose such a winner's resource yourself if that matters).</item>
    ///   <item>An attempt that ignores its token and succeeds after the winner is not a second winner; its result is dropped.</item>
    /// </list>
    /// </remarks>
    /// <example><code>
    /// var (socket, index, errors) = await AsyncIO.StaggeredRaceAsync(
    ///     [ct => ConnectAsync(v6, ct), ct => ConnectAsync(v4, ct)], TimeSpan.FromMilliseconds(250), cancellationToken: ct);
    /// </code></example>
    /// <typeparam name="T">The type of an attempt's result.</typeparam>
    /// <param name="attempts">The attempts, in order of preference; each is given a token that the race cancels when it loses.</param>
    /// <param name="delay">The head start each attempt gets before the next starts; <see langword="null"/> or
    /// <see cref="Timeout.InfiniteTimeSpan"/> to start the next only when the previous one fails.</param>
    /// <param name="timeProvider">The clock for <paramref name="delay"/>; the current loop's (or the system's) when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the race and every running attempt.</param>
    /// <returns>The winner's index and result, and every started attempt's failure.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="attempts"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="attempts"/> holds a <see langword="null"/> delegate.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <seealso href="https://github.com/python/cpython/blob/main/Lib/asyncio/staggered.py">asyncio.staggered</seealso>
    public static Task<StaggeredRaceResult<T>> StaggeredRaceAsync<T>(
        IEnumerable<Func<CancellationToken, Task<T>>> attempts,
        TimeSpan? delay,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attempts);
        Func<CancellationToken, Task<T>>[] list = [.. attempts];
        if (Array.IndexOf(list, null) is var nullAt and >= 0)
        {
            throw new ArgumentException($"The attempt at index {nullAt} is null.", nameof(attempts));
        }

        if (LoopDeadline.IsInfinite(delay))
        {
            delay = null; // no head start limit: wait for the failure alone
        }
        else if (delay < TimeSpan.Zero)
        {
            delay = TimeSpan.Zero; // as asyncio: no head start
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<StaggeredRaceResult<T>>(cancellationToken);
        }

        var race = new StaggeredRace<T>(list, delay, LoopAware.ResolveTime(timeProvider, "AsyncIO.StaggeredRaceAsync"), cancellationToken);
        return race.RunAsync();
    }
}
