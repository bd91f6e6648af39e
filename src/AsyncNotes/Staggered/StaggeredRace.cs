namespace AsyncNotes;

/// <summary>The state of one <see cref="AsyncIO.StaggeredRaceAsync{T}"/> call: the attempts started so far, their
/// tokens and failures, and the winner.</summary>
/// <remarks>
/// <para>The attempts are children of a <see cref="ChildScope"/>: each gets a token of its own, so that losers are cancelled
/// in start order, and the loop knows the race (a deadlock report names it; the end of the run cancels it). Each turn is one completion source, completed by whichever comes first:
/// the attempt's failure, the head-start timer, or the end of the race (a winner, or the caller's cancellation).</para>
/// <para>On a loop every member runs on the loop thread (timers of the loop's clock fire on the loop; the caller's
/// cancellation is posted to it). Off a loop attempts end on the thread pool, so the shared state is guarded by a lock.</para>
/// </remarks>
internal sealed class StaggeredRace<T>
{
    private readonly Func<CancellationToken, Task<T>>[] _attempts;
    private readonly TimeSpan? _delay;
    private readonly TimeProvider _time;
    private readonly CancellationToken _callerToken;
    private readonly EventLoop? _loop = EventLoop.CurrentFor("AsyncIO.StaggeredRaceAsync");
    private readonly List<Exception?> _exceptions = [];
    private readonly ChildScope _scope = new(EventLoop.Current, "StaggeredRaceAsync");
    private readonly object _gate = new();
    private LoopFuture<bool>? _currentTurn;
    private bool _over;
    private bool _finished;
    private int? _winnerIndex;
    private T? _result;

    public StaggeredRace(Func<CancellationToken, Task<T>>[] attempts, TimeSpan? delay, TimeProvider time, CancellationToken callerToken)
    {
        _attempts = attempts;
        _delay = delay;
        _time = time;
        _callerToken = callerToken;
    }

    public async Task<StaggeredRaceResult<T>> RunAsync()
    {
        var running = new List<Task>(_attempts.Length);
        CancellationTokenRegistration onCallerCancel = _callerToken.UnsafeRegister(
            static s => ((StaggeredRace<T>)s!).OnCallerCancelled(), this);
        try
        {
            for (int index = 0; index < _attempts.Length; index++)
            {
                var turn = new LoopFuture<bool>(_loop);
                lock (_gate)
                {
                    if (_over)
                    {
                        break;
                    }

                    _currentTurn = turn;
                    _exceptions.Add(null);
                }

                int attempt = index;
                running.Add(_scope.Start(ct => RunAttemptAsync(attempt, turn, ct), static (_, _) => { }));
                if (index < _attempts.Length - 1 && _delay != TimeSpan.Zero)
                {
                    if (_delay is { } delay)
                    {
                        // The head start: any finite delay, on any clock; the timer leaves with the turn.
                        turn.ResolveAfter(_time, delay, true);
                    }

                    await turn.Task.ConfigureAwait(LoopAware.OnLoop); // stay on the loop
                }
            }

            // Every attempt catches its own failure, so these awaits never throw; they wait for the losers to finish cancelling.
            foreach (Task attempt in running)
            {
                await attempt.ConfigureAwait(LoopAware.OnLoop); // stay on the loop
            }
        }
        finally
        {
            // Unregister first (Dispose waits for a callback already running), then refuse late posted ones.
            await onCallerCancel.DisposeAsync().ConfigureAwait(LoopAware.OnLoop); // stay on the loop
            lock (_gate)
            {
                _over = true;
                _finished = true;
            }

            _scope.Close();
        }

        _callerToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return new StaggeredRaceResult<T>(_winnerIndex, _result, [.. _exceptions]);
        }
    }

    private async Task<bool> RunAttemptAsync(int index, LoopFuture<bool> turn, CancellationToken token)
    {
        T result;
        try
        {
            result = await _attempts[index](token).ConfigureAwait(LoopAware.OnLoop); // stay on the loop
        }
#pragma warning disable CA1031 // Every failure is the race's data: it is returned in StaggeredRaceResult.Exceptions, never lost.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            lock (_gate)
            {
                _exceptions[index] = exception;
            }

            turn.TrySetResult(true);
            return false;
        }

        lock (_gate)
        {
            if (_over)
            {
                return false; // the race was decided (or cancelled) already: a late success is dropped
            }

            // Decided under the same lock as the check: off a loop, two attempts may succeed at the same instant.
            _over = true;
            _winnerIndex = index;
            _result = result;
        }

        EndRace(except: index);
        return true;
    }

    // Decided inside the caller's Cancel(): no attempt that succeeds later in the same instant wins.
    private void OnCallerCancelled() => _loop.CancelReportingCallbackErrors(() => EndRace(except: -1));

    /// <summary>Ends the race: no further attempt starts, and every running attempt but <paramref name="except"/> is
    /// cancelled, in start order.</summary>
    private void EndRace(int except)
    {
        LoopFuture<bool>? turn;
        lock (_gate)
        {
            if (_finished)
            {
                return; // a cancellation that came after the race ended
            }

            _over = true;
            turn = _currentTurn;
        }

        // An attempt's own token callback may throw; ChildScope still cancels every other attempt and throws the errors
        // together afterwards, and the turn still ends.
        try
        {
            _scope.CancelAll(except);
        }
        finally
        {
            turn?.TrySetResult(true);
        }
    }
}
