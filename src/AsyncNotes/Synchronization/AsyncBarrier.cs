namespace AsyncNotes;

/// <summary>A cyclic barrier for async code: <see cref="Parties"/> tasks wait until all have arrived, then all go on.
/// asyncio's <c>Barrier</c>, over an <see cref="AsyncCondition"/>.</summary>
/// <remarks>
/// <para>Maps asyncio's <c>Barrier</c>. The Python lines it replaces:</para>
/// <code>
/// barrier = asyncio.Barrier(3)
/// index = await barrier.wait()
/// </code>
/// <para>The rules (asyncio 3.11's state machine: filling, draining, resetting, broken):</para>
/// <list type="bullet">
///   <item><see cref="WaitAsync"/> returns the arrival index, 0 for the first to arrive; the last arrival trips the barrier
///   and returns first, the others follow in arrival order.</item>
///   <item>The barrier is cyclic: parties that arrive for the next round while the last one is still draining wait for
///   the new round instead of slipping through.</item>
///   <item>A party cancelled while it waits leaves the count as it was before it arrived.</item>
///   <item><see cref="AbortAsync"/> breaks the barrier: waiting parties and every later arrival throw
///   <see cref="BrokenBarrierException"/>, until <see cref="ResetAsync"/>. <see cref="ResetAsync"/> with parties inside makes
///   them throw <see cref="BrokenBarrierException"/> and leaves a working barrier once they have left.</item>
/// </list>
/// <para>Against the BCL: <see cref="System.Threading.Barrier"/> blocks threads (<c>SignalAndWait</c>) and has no async
/// wait; its post-phase action has no asyncio counterpart.</para>
/// </remarks>
public sealed class AsyncBarrier
{
    private readonly AsyncCondition _cond = new(null, "AsyncBarrier.WaitAsync");
    private volatile State _state = State.Filling;
    private volatile int _count;

    /// <summary>Creates a barrier for <paramref name="parties"/> tasks.</summary>
    /// <param name="parties">How many tasks must arrive before all go on; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="parties"/> is less than 1.</exception>
    public AsyncBarrier(int parties)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parties, 1);
        Parties = parties;
    }

    private enum State
    {
        Filling,
        Draining,
        Resetting,
        Broken,
    }

    /// <summary>How many tasks must arrive to trip the barrier (asyncio's <c>parties</c>).</summary>
    public int Parties { get; }

    /// <summary>How many tasks wait for the barrier to trip, while it fills (asyncio's <c>n_waiting</c>); 0 while it drains
    /// or resets.</summary>
    public int WaitingCount => _state == State.Filling ? _count : 0;

    /// <summary>Whether the barrier is broken (asyncio's <c>broken</c>): after <see cref="AbortAsync"/>, until
    /// <see cref="ResetAsync"/>.</summary>
    public bool IsBroken => _state == State.Broken;

    /// <summary>Arrives at the barrier and waits until every party has: asyncio's <c>await barrier.wait()</c>.</summary>
    /// <remarks>
    /// <para>Maps asyncio's <c>Barrier.wait</c>. The Python line it replaces:</para>
    /// <code>index = await barrier.wait()</code>
    /// </remarks>
    /// <param name="cancellationToken">Cancels this party's wait; the count goes back to what it was.</param>
    /// <returns>The arrival index in this round, from 0 to <see cref="Parties"/> − 1.</returns>
    /// <exception cref="BrokenBarrierException">The barrier is broken, or was aborted or reset while this party waited.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<int> WaitAsync(CancellationToken cancellationToken = default)
    {
        using (await _cond.AcquireAsync(cancellationToken).ConfigureAwait(LoopAware.OnLoop))
        {
            // Block while the barrier drains or resets.
            _ = await _cond.WaitForAsync(() => _state is not (State.Draining or State.Resetting), cancellationToken).ConfigureAwait(LoopAware.OnLoop);
            if (_state == State.Broken)
            {
                throw new BrokenBarrierException("Barrier aborted.");
            }

            try
            {
                int index = _count;
                _count++;
                if (index + 1 == Parties)
                {
                    _state = State.Draining; // the last arrival releases the others
                    _cond.NotifyAll();
                }
                else
                {
                    _ = await _cond.WaitForAsync(() => _state != State.Filling, cancellationToken).ConfigureAwait(LoopAware.OnLoop);
                    if (_state is State.Broken or State.Resetting)
                    {
                        throw new BrokenBarrierException("Abort or reset of barrier.");
                    }
                }

                return index;
            }
            finally
            {
                _count--;
                Exit();
            }
        }
    }

    /// <summary>Returns the barrier to its empty, working state: asyncio's <c>await barrier.reset()</c>.</summary>
    /// <remarks>
    /// <para>Maps asyncio's <c>Barrier.reset</c>. The Python line it replaces:</para>
    /// <code>await barrier.reset()</code>
    /// <para>Parties waiting now throw <see cref="BrokenBarrierException"/>; once they have left, the barrier fills again.</para>
    /// </remarks>
    /// <param name="cancellationToken">Cancels waiting for the barrier's lock.</param>
    /// <returns>A task that completes once the reset is done.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public async Task ResetAsync(CancellationToken cancellationToken = default)
    {
        using (await _cond.AcquireAsync(cancellationToken).ConfigureAwait(LoopAware.OnLoop))
        {
            _state = _count > 0 ? State.Resetting : State.Filling;
            _cond.NotifyAll();
        }
    }

    /// <summary>Breaks the barrier: asyncio's <c>await barrier.abort()</c>.</summary>
    /// <remarks>
    /// <para>Maps asyncio's <c>Barrier.abort</c>. The Python line it replaces:</para>
    /// <code>await barrier.abort()</code>
    /// <para>Waiting parties, and every later arrival, throw <see cref="BrokenBarrierException"/> until
    /// <see cref="ResetAsync"/>.</para>
    /// </remarks>
    /// <param name="cancellationToken">Cancels waiting for the barrier's lock.</param>
    /// <returns>A task that completes once the barrier is broken.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public async Task AbortAsync(CancellationToken cancellationToken = default)
    {
        using (await _cond.AcquireAsync(cancellationToken).ConfigureAwait(LoopAware.OnLoop))
        {
            _state = State.Broken;
            _cond.NotifyAll();
        }
    }

    /// <summary>The last party out of a draining or resetting barrier refills it, and wakes those waiting to enter.</summary>
    private void Exit()
    {
        if (_count == 0)
        {
            if (_state is State.Resetting or State.Draining)
            {
                _state = State.Filling;
            }

            _cond.NotifyAll();
        }
    }
}
