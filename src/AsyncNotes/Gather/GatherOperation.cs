using System.Diagnostics.CodeAnalysis;

namespace AsyncNotes;

/// <summary>The state machine behind every <c>AsyncIO.GatherAsync</c> overload.</summary>
/// <remarks>
/// <para>Each child is watched by an observer (<see cref="RunChildAsync"/>) that awaits it with the context captured, so on a
/// loop it records the outcome in a loop callback, and off a loop on the thread pool. Decisions are taken under
/// <see cref="_gate"/>; user code (the work delegates) and completions of <see cref="_source"/> run outside it.</para>
/// <para>Every child is awaited by its observer, so a child that fails after the gather has already ended is still observed
/// and never reaches <see cref="TaskScheduler.UnobservedTaskException"/>.</para>
/// </remarks>
/// <typeparam name="T">The children's result type.</typeparam>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "The children's source is disposed when the last child finishes (by the loop that tracks it, or here off a loop); the operation has no owner that could dispose it earlier.")]
internal sealed class GatherOperation<T>
{
    private readonly object _gate = new();
    private readonly EventLoop? _loop;
    private readonly Task<T>[]? _tasks;
    private readonly Func<CancellationToken, Task<T>>[]? _work;
    private readonly bool _returnExceptions;
    private readonly int _limit;
    private readonly CancellationToken _cancellationToken;
    private readonly Outcome<T>[] _outcomes;
    private readonly LoopFuture<Outcome<T>[]> _source;

    // Delegate forms only. Each child has a token source of its own, so that a cancellation reaches the children in input
    // order (one shared source would run their callbacks last registered, first run). _children stands for them all: the
    // caller's cancellation and the loop's end of run cancel it, and its one callback cancels each unfinished child in
    // order. _allChildrenDone completes when every child that was started has finished; the loop tracks it, so a deadlock
    // report names it and the end of the run cancels _children. The per-child sources have no timer and no link, so they
    // hold nothing that needs disposing.
    private readonly CancellationTokenSource? _children;
    private readonly CancellationTokenSource?[]? _childSources;
    private readonly LoopFuture<bool>? _allChildrenDone;

    private CancellationTokenRegistration _registration;
    private int _next;
    private int _finished;
    private bool _pumping;
    private bool _stopped;
    private bool _cancelRequested;
    private Exception? _failureWhileCancelling;
    private bool _done;

    private GatherOperation(Task<T>[]? tasks, Func<CancellationToken, Task<T>>[]? work, bool returnExceptions, int limit, CancellationToken cancellationToken)
    {
        _loop = EventLoop.Current;
        _tasks = tasks;
        _work = work;
        _returnExceptions = returnExceptions;
        _limit = limit;
        _cancellationToken = cancellationToken;
        _outcomes = new Outcome<T>[Count];
        _source = new LoopFuture<Outcome<T>[]>(_loop);
        if (work is not null)
        {
            _children = new CancellationTokenSource();
            _childSources = new CancellationTokenSource?[work.Length];
            _allChildrenDone = new LoopFuture<bool>(_loop);
        }
    }

    private int Count => _tasks?.Length ?? _work!.Length;

    /// <summary>Children started and not yet finished. Read under <see cref="_gate"/>.</summary>
    private int Running => _next - _finished;

    /// <summary>Gathers hot tasks; <paramref name="cancellationToken"/> only stops the waiting.</summary>
    public static Task<Outcome<T>[]> GatherAsync(Task<T>[] tasks, bool returnExceptions, CancellationToken cancellationToken) =>
        new GatherOperation<T>(tasks, null, returnExceptions, tasks.Length, cancellationToken).BeginAsync();

    /// <summary>Starts and gathers owned children, at most <paramref name="limit"/> at a time.</summary>
    public static Task<Outcome<T>[]> GatherAsync(Func<CancellationToken, Task<T>>[] work, bool returnExceptions, int limit, CancellationToken cancellationToken) =>
        new GatherOperation<T>(null, work, returnExceptions, limit, cancellationToken).BeginAsync();

    private Task<Outcome<T>[]> BeginAsync()
    {
        if (_cancellationToken.IsCancellationRequested)
        {
            _children?.Dispose();
            return Task.FromCanceled<Outcome<T>[]>(_cancellationToken);
        }

        if (Count == 0)
        {
            _children?.Dispose();
            return Task.FromResult(Array.Empty<Outcome<T>>());
        }

        _children?.Token.UnsafeRegister(static state => ((GatherOperation<T>)state!).OnChildrenCancelled(), this);
        if (_allChildrenDone is not null && _loop is not null)
        {
            // The loop cancels _children if the run ends while children still run, and disposes it when they have all finished.
            _loop.Register(_allChildrenDone.Task, "GatherAsync", _children);
        }

        if (_cancellationToken.CanBeCanceled)
        {
            // Decided inside the caller's Cancel(), as asyncio's gather.cancel(): a child's result that arrives later in the
            // same instant does not win. Only the delivery to the awaiter is scheduled (LoopFuture).
            _registration = _cancellationToken.UnsafeRegister(
                static state => ((GatherOperation<T>)state!).OnCancellationRequested(),
                this);
            if (_source.IsDone)
            {
                _registration.Unregister();
            }
        }

        Pump();
        return _source.Task;
    }

    /// <summary>Starts children in input order while slots are free. Not re-entrant: a child that completes synchronously
    /// frees its slot and the loop here starts the next one, instead of recursing.</summary>
    private void Pump()
    {
        lock (_gate)
        {
            if (_pumping)
            {
                return;
            }

            _pumping = true;
        }

        while (true)
        {
            int index;
            lock (_gate)
            {
                if (_stopped || _next == Count || Running >= _limit)
                {
                    _pumping = false;
                    break;
                }

                index = _next++;
                if (_childSources is not null)
                {
                    _childSources[index] = new CancellationTokenSource();
                }
            }

            _ = RunChildAsync(index);
        }

        CheckAllChildrenDone();
    }

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "Every child outcome, whatever the exception, is recorded; that is what observes the child.")]
    private async Task RunChildAsync(int index)
    {
        Outcome<T> outcome;
        Task<T>? child = null;
        try
        {
            child = _tasks is not null
                ? _tasks[index]
                : _work![index](_childSources![index]!.Token) ?? throw TaskOutcomes.NullTask($"The work delegate at index {index}");

            // ConfigureAwait(LoopAware.OnLoop): stay on the loop, so the outcome is recorded in a loop callback.
            outcome = Outcome.FromResult(await child.ConfigureAwait(LoopAware.OnLoop));
        }
        catch (OperationCanceledException cancelled) when (child is null || child.IsCanceled)
        {
            outcome = Outcome.FromCanceled<T>(cancelled);
        }
        catch (Exception failure)
        {
            outcome = Outcome.FromException<T>(failure);
        }

        OnChildDone(index, outcome);
    }

    private void OnChildDone(int index, Outcome<T> outcome)
    {
        Action? complete = null;
        lock (_gate)
        {
            _outcomes[index] = outcome;
            _finished++;
            if (_done)
            {
                // A late child after the gather has ended: recorded (so observed) and otherwise ignored, as in asyncio.
            }
            else if (_cancelRequested)
            {
                if (!_returnExceptions && outcome.IsFaulted)
                {
                    // A real failure while cancelling (cleanup that throws) is not lost: asyncio's gather raises it too.
                    _failureWhileCancelling ??= outcome.Exception;
                }

                if (_finished == _next)
                {
                    _done = true;
                    Exception? failure = _failureWhileCancelling;
                    complete = failure is null ? CompleteCanceled : () => _source.TrySetException(failure);
                }
            }
            else if (!_returnExceptions && !outcome.IsSuccess)
            {
                _done = true;
                _stopped = true;
                // A child that was cancelled (by someone else) fails the gather *with* its OperationCanceledException, as
                // asyncio's gather then sets CancelledError as its exception: the gather itself is not cancelled, so a caller
                // can tell it apart from a cancellation of its own (IsFaulted, against IsCanceled).
                complete = () => _source.TrySetException(outcome.Exception!);
            }
            else if (_finished == Count)
            {
                _done = true;
                Outcome<T>[] outcomes = _outcomes;
                complete = () => _source.TrySetResult(outcomes);
            }
        }

        if (complete is not null)
        {
            if (_work is null)
            {
                _registration.Unregister();
            }

            complete();
        }

        Pump();
    }

    private void OnCancellationRequested()
    {
        if (_children is not null)
        {
            // Owned children: cancel them all (OnChildrenCancelled), even after the gather has ended, so that a sibling left
            // running after a failure does not outlive its caller's cancellation.
            try
            {
                _loop.CancelReportingCallbackErrors(() => LoopAware.CancelNow(_children));
            }
            catch (ObjectDisposedException)
            {
                // Every child had finished and the source was released: nothing left to cancel.
            }

            return;
        }

        // Hot tasks are not ours: only the waiting stops.
        lock (_gate)
        {
            if (_done)
            {
                return;
            }

            _done = true;
        }

        CompleteCanceled();
    }

    /// <summary>Cancels every unfinished child, in input order, and starts no more; the gather then ends cancelled once every
    /// started child has finished.</summary>
    private void OnChildrenCancelled()
    {
        List<CancellationTokenSource> unfinished = [];
        bool completeNow = false;
        lock (_gate)
        {
            _stopped = true;
            if (!_done)
            {
                _cancelRequested = true;
                completeNow = _finished == _next;
                _done = completeNow;
            }

            for (int i = 0; i < _next; i++)
            {
                if (_outcomes[i] is null)
                {
                    unfinished.Add(_childSources![i]!);
                }
            }
        }

        // A child's own token callback may throw; every other child must still be cancelled and the gather still end.
        List<Exception>? callbackErrors = null;
        foreach (CancellationTokenSource child in unfinished)
        {
            try
            {
                LoopAware.CancelNow(child);
            }
            catch (AggregateException error)
            {
                (callbackErrors ??= []).Add(error);
            }
        }

        if (completeNow)
        {
            CompleteCanceled();
        }

        CheckAllChildrenDone();
        if (callbackErrors is not null)
        {
            // Surfaces where a throwing callback always does: from the Cancel() call (or, on a loop, to its exception handler).
            throw new AggregateException(callbackErrors);
        }
    }

    private void CompleteCanceled() => _source.TrySetCanceled(_cancellationToken);

    /// <summary>Once no child runs and none will start, completes <see cref="_allChildrenDone"/> (and, off a loop, disposes
    /// the children's token source, which the loop otherwise disposes).</summary>
    private void CheckAllChildrenDone()
    {
        if (_allChildrenDone is null)
        {
            return;
        }

        lock (_gate)
        {
            if (_pumping || Running > 0 || (!_stopped && _next < Count) || _allChildrenDone.IsDone)
            {
                return;
            }
        }

        if (_allChildrenDone.TrySetResult(true))
        {
            _registration.Unregister();
            if (_loop is null)
            {
                _children!.Dispose();
            }
        }
    }
}
