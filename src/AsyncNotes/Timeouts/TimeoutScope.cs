namespace AsyncNotes;

/// <summary>The deadline of one <see cref="AsyncIO.TimeoutAsync{T}(TimeSpan?, Func{TimeoutScope, Task{T}}, TimeProvider?, CancellationToken)"/>
/// or <see cref="AsyncIO.TimeoutAtAsync{T}(DateTimeOffset?, Func{TimeoutScope, Task{T}}, TimeProvider?, CancellationToken)"/> run:
/// its <see cref="Token"/> fires at <see cref="When"/>, and the run turns that cancellation, and only that, into a <see cref="TimeoutException"/>.</summary>
/// <remarks>
/// <para>Maps asyncio's <c>asyncio.Timeout</c>, the object <c>async with asyncio.timeout(...) as cm</c> binds. The Python lines it replaces:</para>
/// <code>
/// async with asyncio.timeout(10) as cm:
///     cm.reschedule(asyncio.get_running_loop().time() + 20)
/// print(cm.expired(), cm.when())
/// </code>
/// <para>The scope is handed to the work delegate; it is entered when the delegate is called and left when the delegate's task
/// ends, so asyncio's "entered twice", "not entered" and "rescheduled before entry" misuses cannot be written in C#.</para>
/// <para>Rules:</para>
/// <list type="bullet">
///   <item><see cref="When"/> is on the clock's <see cref="TimeProvider.GetUtcNow"/> (the loop's virtual clock on a virtual loop);
///   <see langword="null"/> means no deadline.</item>
///   <item><see cref="Expired"/> becomes <see langword="true"/> when the deadline fires (asyncio's <c>expired()</c>: expiring or expired)
///   and stays so; it stays <see langword="false"/> when the work ends first or when the caller's token was cancelled first.</item>
///   <item><see cref="Reschedule(DateTimeOffset?)"/> moves the deadline earlier or later, or removes it with <see langword="null"/>;
///   a deadline already past expires the scope at the loop's next turn (asyncio's <c>call_soon</c>).</item>
///   <item>Rescheduling once the deadline has fired, or after the run ended, throws <see cref="InvalidOperationException"/>.</item>
/// </list>
/// <para>Unlike <c>CancellationTokenSource.CancelAfter</c>, the scope's expiry surfaces as <see cref="TimeoutException"/>, not as
/// <see cref="OperationCanceledException"/>, and a cancellation that did not come from this scope's deadline is never converted.</para>
/// </remarks>
public sealed class TimeoutScope
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly EventLoop? _loop; // set when the clock is the current loop's, whose timers fire on the loop
    private readonly CancellationTokenSource _cancellation;
    private LoopDeadline? _deadline;
    private DateTimeOffset? _when;
    private State _state;
    private bool _cancelling;

    internal TimeoutScope(TimeProvider time, string call, CancellationToken cancellationToken)
    {
        _time = time;
        _loop = EventLoop.CurrentFor(call) is { } loop && ReferenceEquals(loop.Time, time) ? loop : null;
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Token = _cancellation.Token;
    }

    private enum State
    {
        Entered,
        Expiring,
        Expired,
        Exited,
    }

    /// <summary>The token of the work inside the scope: it fires at the deadline, or when the caller's token fires.</summary>
    /// <remarks>Pass it to every await inside the work; an await that ignores it cannot be cut short (C# cancellation is cooperative).
    /// To nest scopes, pass it as the inner scope's <c>cancellationToken</c>.</remarks>
    public CancellationToken Token { get; }

    /// <summary>The deadline on the clock's <see cref="TimeProvider.GetUtcNow"/>, or <see langword="null"/> when the scope never expires.</summary>
    public DateTimeOffset? When
    {
        get
        {
            lock (_gate)
            {
                return _when;
            }
        }
    }

    /// <summary>Whether the deadline fired (asyncio's <c>expired()</c>).</summary>
    public bool Expired
    {
        get
        {
            lock (_gate)
            {
                return _state is State.Expiring or State.Expired;
            }
        }
    }

    /// <summary>Moves the deadline to <paramref name="when"/>, or removes it.</summary>
    /// <remarks>
    /// <para>asyncio's <c>Timeout.reschedule</c>. The Python line it replaces:</para>
    /// <code>cm.reschedule(loop.time() + 5)</code>
    /// <list type="bullet">
    ///   <item>Earlier or later both work; <see langword="null"/> means never.</item>
    ///   <item>A deadline at or before now expires the scope at the loop's next turn, not inside this call.</item>
    ///   <item>After the deadline fired, or after the run ended: <see cref="InvalidOperationException"/>.</item>
    /// </list>
    /// <para>The BCL's nearest is <c>CancellationTokenSource.CancelAfter</c>, which cannot remove a deadline and whose expiry is an
    /// <see cref="OperationCanceledException"/>.</para>
    /// </remarks>
    /// <param name="when">The new deadline on the scope's clock, or <see langword="null"/> for none.</param>
    /// <exception cref="InvalidOperationException">The scope has expired, is expiring, or has ended.</exception>
    public void Reschedule(DateTimeOffset? when)
    {
        lock (_gate)
        {
            switch (_state)
            {
                case State.Expiring:
                    throw new InvalidOperationException("The timeout scope is expiring: its deadline already fired.");
                case State.Expired:
                    throw new InvalidOperationException("The timeout scope has expired.");
                case State.Exited:
                    throw new InvalidOperationException("The timeout scope has finished.");
            }

            _when = when;
            Arm();
        }
    }

    /// <summary>Moves the deadline to <paramref name="delay"/> from now on the scope's clock, or removes it.</summary>
    /// <remarks>
    /// <para>Shorthand for <see cref="Reschedule(DateTimeOffset?)"/>; the Python line it replaces:</para>
    /// <code>cm.reschedule(loop.time() + 5)</code>
    /// <para><see langword="null"/> or <see cref="Timeout.InfiniteTimeSpan"/> means never; zero or negative expires the scope at the
    /// loop's next turn. Same errors as <see cref="Reschedule(DateTimeOffset?)"/>.</para>
    /// </remarks>
    /// <param name="delay">How long from now, or <see langword="null"/> for no deadline.</param>
    /// <exception cref="InvalidOperationException">The scope has expired, is expiring, or has ended.</exception>
    public void RescheduleAfter(TimeSpan? delay) => Reschedule(Deadline(_time, delay));

    /// <summary>The deadline <paramref name="delay"/> from now; <see langword="null"/> for no limit. Saturates at the calendar's end.</summary>
    internal static DateTimeOffset? Deadline(TimeProvider time, TimeSpan? delay)
    {
        if (delay is not { } span || span == Timeout.InfiniteTimeSpan)
        {
            return null;
        }

        DateTimeOffset now = time.GetUtcNow();
        return span > DateTimeOffset.MaxValue - now ? DateTimeOffset.MaxValue : now + span;
    }

    /// <summary>Enters the scope: arms the timer, or, for a deadline already past, cancels the token before the work runs.</summary>
    internal void Start(DateTimeOffset? when)
    {
        bool expireNow;
        lock (_gate)
        {
            _when = when;
            expireNow = when is { } deadline && deadline <= _time.GetUtcNow() && !Token.IsCancellationRequested;
            if (expireNow)
            {
                _state = State.Expiring;
            }
            else
            {
                Arm();
            }
        }

        if (expireNow)
        {
            // Nothing has seen the token yet, so no callback runs here: the work simply starts with a cancelled token, and its
            // first token-aware await throws (asyncio raises at the first suspension).
            _cancellation.Cancel();
        }
    }

    /// <summary>Leaves the scope (idempotent): disarms the timer, releases the token source, and says whether the deadline fired.</summary>
    internal bool Finish()
    {
        bool dispose;
        bool expired;
        lock (_gate)
        {
            if (_state is State.Entered)
            {
                _state = State.Exited;
            }
            else if (_state is State.Expiring)
            {
                _state = State.Expired;
            }

            _deadline?.Dispose();
            _deadline = null;
            dispose = !_cancelling;
            expired = _state is State.Expired;
        }

        // Outside the lock: disposing a linked source waits for a callback of the caller's token that may be running on
        // another thread, and such a callback may read this scope's state.
        if (dispose)
        {
            _cancellation.Dispose();
        }

        return expired;
    }

    // Called under _gate.
    private void Arm()
    {
        if (_when is not { } when)
        {
            _deadline?.Reschedule(null);
            return;
        }

        ArmFor(when - _time.GetUtcNow());
    }

    // Called under _gate. The deadline is turned into a span once, here, and from then on measured with the clock's
    // monotonic timestamps, so a wall-clock step (NTP) does not move it; asyncio's deadlines are on the monotonic loop.time().
    private void ArmFor(TimeSpan due)
    {
        // The one clamp rule (LoopDeadline): any finite deadline on any clock, re-armed where a timer cannot take it; a due
        // time already passed expires through asyncio's call_soon(_on_timeout), behind the callbacks ready now.
        if (_deadline is null)
        {
            _deadline = LoopDeadline.Start(_time, due, OnTimer);
        }
        else
        {
            _deadline.Reschedule(due);
        }
    }

    // On a loop's clock this runs on the loop, in due order; on the system clock, on a timer thread.
    private void OnTimer()
    {
        lock (_gate)
        {
            if (_state is not State.Entered || _when is null)
            {
                return;
            }

            _state = State.Expiring;
            if (Token.IsCancellationRequested)
            {
                // Someone else cancelled first (an outer scope sharing this deadline, the caller): the deadline still passed
                // while the scope was active, so it is Expired, as asyncio's expired(); but the cancellation is theirs, and
                // only theirs becomes the exception.
                return;
            }

            _cancelling = true;
        }

        try
        {
            LoopAware.CancelNow(_cancellation);
        }
        finally
        {
            lock (_gate)
            {
                _cancelling = false;
                if (_state is State.Expired)
                {
                    _cancellation.Dispose();
                }
            }
        }
    }
}
