using System.Diagnostics.CodeAnalysis;

namespace AsyncNotes;

/// <summary>The entry points of <see cref="GatherOperation{T, TResult}"/>, one per kind of <c>AsyncIO.GatherAsync</c>
/// overload: hot tasks or owned children, values or outcomes.</summary>
/// <typeparam name="T">The children's result type.</typeparam>
internal static class GatherOperation<T>
{
    /// <summary>Gathers hot tasks' outcomes; <paramref name="cancellationToken"/> only stops the waiting.</summary>
    public static Task<Outcome<T>[]> GatherAsync(Task<T>[] tasks, bool returnExceptions, CancellationToken cancellationToken) =>
        new GatherOperation<T, Outcome<T>>(tasks, null, returnExceptions, tasks.Length, OutcomeOf, cancellationToken).BeginAsync();

    /// <summary>Gathers hot tasks' values (the first failure decides); <paramref name="cancellationToken"/> only stops the waiting.</summary>
    public static Task<T[]> GatherValuesAsync(Task<T>[] tasks, CancellationToken cancellationToken) =>
        new GatherOperation<T, T>(tasks, null, returnExceptions: false, tasks.Length, ValueOf, cancellationToken).BeginAsync();

    /// <summary>Starts and gathers owned children's outcomes, at most <paramref name="limit"/> at a time.</summary>
    public static Task<Outcome<T>[]> GatherAsync(Func<CancellationToken, Task<T>>[] work, bool returnExceptions, int limit, CancellationToken cancellationToken) =>
        new GatherOperation<T, Outcome<T>>(null, work, returnExceptions, limit, OutcomeOf, cancellationToken).BeginAsync();

    /// <summary>Starts and gathers owned children's values (the first failure decides), at most <paramref name="limit"/> at a time.</summary>
    public static Task<T[]> GatherValuesAsync(Func<CancellationToken, Task<T>>[] work, int limit, CancellationToken cancellationToken) =>
        new GatherOperation<T, T>(null, work, returnExceptions: false, limit, ValueOf, cancellationToken).BeginAsync();

    /// <summary>A successful child's value: read from its task (a hot child), or from its recorded outcome (an owned one).</summary>
    private static T ValueOf(Task<T>? hot, Outcome<T>? owned) =>
#pragma warning disable VSTHRD002 // Read once every child has completed successfully: nothing blocks.
        hot is not null ? hot.Result : owned!.Value;
#pragma warning restore VSTHRD002

    /// <summary>A finished child's outcome: read from its task now (a hot child), or as recorded (an owned one).</summary>
    private static Outcome<T> OutcomeOf(Task<T>? hot, Outcome<T>? owned) =>
        hot is not null ? OutcomeOfCompleted(hot) : owned!;

    /// <summary>The outcome of a finished child: its result, or the exception an await would throw (the first of several),
    /// or, for a cancelled child, its <see cref="OperationCanceledException"/>. Reading it observes the child.</summary>
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "Every child outcome, whatever the exception, is recorded; that is what observes the child.")]
    public static Outcome<T> OutcomeOfCompleted(Task<T> child)
    {
        try
        {
#pragma warning disable VSTHRD002 // The task is complete: nothing blocks, and GetResult throws what an await would.
            return Outcome.FromResult(child.GetAwaiter().GetResult());
#pragma warning restore VSTHRD002
        }
        catch (OperationCanceledException cancelled) when (child.IsCanceled)
        {
            return Outcome.FromCanceled<T>(cancelled);
        }
        catch (Exception failure)
        {
            return Outcome.FromException<T>(failure);
        }
    }
}

/// <summary>The state machine behind every <c>AsyncIO.GatherAsync</c> overload.</summary>
/// <remarks>
/// <para>An owned child is watched by its scope's <see cref="TaskObserver"/>, a hot child by an
/// <see cref="InlineDoneCallback"/> (<see cref="HotChildren"/>, one per block of children). An owned child's outcome is recorded in its done-callback (on a
/// loop, scheduled when it finishes); a hot child is counted where it finishes, with only the deciding step
/// scheduled on a loop, which ends the gather on the same turn as asyncio's done-callbacks would. Decisions are taken under
/// <see cref="_gate"/> (a hot child that succeeded is only counted, outside it, unless it is the last); user code (the work
/// delegates) and completions of the future run outside it.</para>
/// <para>The gather completes one future of its results directly (values, or outcomes with <c>returnExceptions</c>): a hot
/// child's result is read from its task once all have finished, so there is no outcome object per child in the values
/// form, and no proxy between the gather and its caller.</para>
/// <para>Every child is watched to the end, and a failure's outcome read, so a child that fails after the gather has already
/// ended is still observed and never reaches <see cref="TaskScheduler.UnobservedTaskException"/>.</para>
/// </remarks>
/// <typeparam name="T">The children's result type.</typeparam>
/// <typeparam name="TResult">What the gather returns per child: <typeparamref name="T"/>, or <see cref="Outcome{T}"/>.</typeparam>
internal sealed class GatherOperation<T, TResult>
{
    private readonly object _gate = new();
    private readonly EventLoop? _loop;
    private readonly Task<T>[]? _tasks;
    private readonly Func<CancellationToken, Task<T>>[]? _work;
    private readonly bool _returnExceptions;
    private readonly int _limit;
    private readonly CancellationToken _cancellationToken;
    private readonly Outcome<T>[]? _outcomes; // owned children's, recorded as they finish
    private readonly LoopFuture<TResult[]> _source;
    private readonly Func<Task<T>?, Outcome<T>?, TResult> _result; // a finished child's result: (hot task, owned outcome)

    // Delegate forms only: the children live in a ChildScope (a token each, cancelled in input order, AllDone once every
    // started child has finished). The loop knows the scope as "GatherAsync": a deadlock report names it, and the end of
    // the run cancels the gather (OnChildrenCancelled) and waits for its children.
    private readonly ChildScope? _scope;

    /// <summary>The index <see cref="OnChildDone"/> is given for a hot child (which the gather does not own).</summary>
    private const int Hot = -1;

    private Action<int, Task<T>>? _onOwnedChildDone;
    private CancellationTokenRegistration _registration;
    private int _next; // owned children started (hot children are all watched at once)
    private int _finished; // children finished: a hot child that succeeded is counted outside the gate (the last then decides under it), every other under it
    private bool _pumping;
    private bool _stopped;
    private bool _cancelRequested;
    private Exception? _failureWhileCancelling;
    private bool _done;

    /// <summary>A gather over hot <paramref name="tasks"/> or owned <paramref name="work"/> (one of them is null), whose results
    /// <paramref name="result"/> reads per child; it begins with <see cref="BeginAsync"/>.</summary>
    internal GatherOperation(Task<T>[]? tasks, Func<CancellationToken, Task<T>>[]? work, bool returnExceptions, int limit, Func<Task<T>?, Outcome<T>?, TResult> result, CancellationToken cancellationToken)
    {
        _loop = EventLoop.CurrentFor("AsyncIO.GatherAsync");
        _tasks = tasks;
        _work = work;
        _returnExceptions = returnExceptions;
        _limit = limit;
        _cancellationToken = cancellationToken;
        _result = result;
        _source = new LoopFuture<TResult[]>(_loop);
        if (work is not null)
        {
            _outcomes = new Outcome<T>[work.Length];
            _scope = new ChildScope(_loop, "GatherAsync", () => _loop.CancelReportingCallbackErrors(OnChildrenCancelled));
        }
    }

    private int Count => _tasks?.Length ?? _work!.Length;

    /// <summary>Children started and not yet finished. Read under <see cref="_gate"/>.</summary>
    private int Running => _next - _finished;

    /// <summary>Watches or starts the children; the task completes with the gather's results.</summary>
    internal Task<TResult[]> BeginAsync()
    {
        if (_cancellationToken.IsCancellationRequested)
        {
            _scope?.Close();
            if (_tasks is not null)
            {
                // The gather is over before it began, but hot tasks are watched all the same: a failure after this is observed.
                _done = true;
                WatchHotChildren();
            }

            return Task.FromCanceled<TResult[]>(_cancellationToken);
        }

        if (Count == 0)
        {
            _scope?.Close();
            return Task.FromResult(Array.Empty<TResult>());
        }

        if (_scope is not null)
        {
            _scope.RegisterOwner(_scope.AllDone);
            _ = TaskObserver.Watch(_scope.AllDone, null, static (_, s) => ((GatherOperation<T, TResult>)s!)._registration.Unregister(), this);
        }

        if (_cancellationToken.CanBeCanceled)
        {
            // Decided inside the caller's Cancel(), as asyncio's gather.cancel(): a child's result that arrives later in the
            // same instant does not win. Only the delivery to the awaiter is scheduled (LoopFuture).
            _registration = _cancellationToken.UnsafeRegister(
                static state => ((GatherOperation<T, TResult>)state!).OnCancellationRequested(),
                this);
            if (_source.IsDone)
            {
                _registration.Unregister();
            }
        }

        Pump();
        return _source.Task;
    }

    /// <summary>Watches every hot child, or starts owned children in input order while slots are free.</summary>
    private void Pump()
    {
        if (_scope is null)
        {
            WatchHotChildren();
            return;
        }

        // Not re-entrant: an owned child that completes synchronously frees its slot and the loop here starts the next
        // one, instead of recursing.
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
            }

            _ = _scope.Start(_work![index], _onOwnedChildDone ??= OnChildDone);
        }

        CheckAllChildrenDone();
    }

    /// <summary>Watches every hot child, in input order, once (from <see cref="Pump"/>, or at once for a gather cancelled before it began).</summary>
    /// <remarks>
    /// <list type="bullet">
    ///   <item>asyncio's done-callback records a child's outcome one callback after the child finishes. Nobody sees that
    ///   record until the gather decides, so a hot child is recorded where it finishes (<see cref="HotChildren"/>, an
    ///   <see cref="InlineDoneCallback"/> per block of children), and only the step that decides is scheduled
    ///   (<see cref="OnChildDone"/>): the gather ends on asyncio's turn, with one callback in all instead of one per child.</item>
    ///   <item>A child that is already complete is recorded at once (without a watch, unless a block that began at a pending
    ///   child holds it): on a loop the deciding step is still scheduled, and off a loop there is no turn to wait for (as
    ///   <c>Task.WhenAll</c> counts it).</item>
    ///   <item>Hot tasks are all watched, even once the gather has ended, so that a later failure is observed, as asyncio's
    ///   done-callbacks retrieve every child's exception.</item>
    /// </list>
    /// </remarks>
    private void WatchHotChildren()
    {
        Task<T>[] tasks = _tasks!;
        int start = 0;
        while (start < tasks.Length)
        {
            if (tasks[start].IsCompleted)
            {
                OnChildDone(Hot, tasks[start++]);
                continue;
            }

            // A block begins at a pending child, so that a gather over tasks that are all complete allocates no watch.
            int count = Math.Min(HotChildren.BlockSize, tasks.Length - start);
            new HotChildren(this, start, count).Watch();
            start += count;
        }
    }

    /// <summary>Records a finished child: an owned one at its <paramref name="index"/>; a hot one (<see cref="Hot"/>) only
    /// counted, its outcome read from its task once every child has finished (a failure is read, so observed, at once).</summary>
    private void OnChildDone(int index, Task<T> child)
    {
        bool counted = false;
        if (index == Hot && child.IsCompletedSuccessfully)
        {
            // A hot child that succeeded is counted without the gate: only the one that finishes last has something to
            // decide. Every other child is counted under the gate, so the child whose count reaches Count here takes the gate
            // after every failure has been decided.
            if (Interlocked.Increment(ref _finished) < Count)
            {
                return;
            }

            counted = true;
        }

        Outcome<T>? outcome = index != Hot || !child.IsCompletedSuccessfully ? GatherOperation<T>.OutcomeOfCompleted(child) : null;
        Action? complete = null;
        lock (_gate)
        {
            if (index != Hot)
            {
                _outcomes![index] = outcome!;
            }

            int finished = counted ? Count : Interlocked.Increment(ref _finished);
            if (_done)
            {
                // A late child after the gather has ended: recorded (so observed) and otherwise ignored, as in asyncio.
            }
            else if (_cancelRequested)
            {
                if (!_returnExceptions && outcome is { IsFaulted: true })
                {
                    // A real failure while cancelling (cleanup that throws) is not lost: asyncio's gather raises it too.
                    _failureWhileCancelling ??= outcome.Exception;
                }

                if (finished == _next)
                {
                    _done = true;
                    Exception? failure = _failureWhileCancelling;
                    complete = failure is null ? CompleteCanceled : () => Fail(failure);
                }
            }
            else if (!_returnExceptions && outcome is { IsSuccess: false })
            {
                _done = true;
                _stopped = true;
                // A child that was cancelled (by someone else) fails the gather *with* its OperationCanceledException, as
                // asyncio's gather then sets CancelledError as its exception: the gather itself is not cancelled, so a caller
                // can tell it apart from a cancellation of its own (IsFaulted, against IsCanceled).
                Exception failure = outcome.Exception!;
                complete = () => Fail(failure);
            }
            else if (finished == Count)
            {
                _done = true;
                complete = Succeed;
            }
        }

        if (complete is not null)
        {
            if (_work is null)
            {
                _registration.Unregister();
            }

            if (_scope is not null || _loop is null || !_loop.TryPost(static s => ((Action)s!)(), complete))
            {
                // Owned children are recorded in their done-callback already, and off a loop there is no turn to wait for.
                complete();
            }
        }

        if (_scope is not null)
        {
            // An owned child's slot is free: start the next one. Hot children are all watched from the start.
            Pump();
        }
    }

    /// <summary>Every child has finished without deciding the gather otherwise: its results, in input order.</summary>
    private void Succeed() => _ = _source.TrySetResult(Results());

    private void Fail(Exception failure) => _ = _source.TrySetException(failure);

    private void CompleteCanceled() => _ = _source.TrySetCanceled(_cancellationToken);

    /// <summary>Every child's result in input order, once all have finished (with values, all have succeeded: a failure or a
    /// cancellation would have decided the gather first). A hot child's is read from its task now, which observes it.</summary>
    private TResult[] Results()
    {
        if (_tasks is null && typeof(TResult) == typeof(Outcome<T>))
        {
            return (TResult[])(object)_outcomes!; // owned children's outcomes, as recorded
        }

        var results = new TResult[Count];
        for (int i = 0; i < results.Length; i++)
        {
            results[i] = _result(_tasks?[i], _outcomes?[i]);
        }

        return results;
    }

    private void OnCancellationRequested()
    {
        if (_scope is not null)
        {
            // Owned children: cancel them all, even after the gather has ended, so that a sibling left running after a
            // failure does not outlive its caller's cancellation.
            _loop.CancelReportingCallbackErrors(OnChildrenCancelled);
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
        }

        // A child's own token callback may throw; every other child is still cancelled (the scope goes on) and the gather
        // still ends.
        AggregateException? callbackErrors = null;
        try
        {
            _scope!.CancelAll();
        }
        catch (AggregateException errors)
        {
            callbackErrors = errors;
        }

        if (completeNow)
        {
            CompleteCanceled();
        }

        CheckAllChildrenDone();
        if (callbackErrors is not null)
        {
            // Surfaces where a throwing callback always does: from the Cancel() call (or, on a loop, to its exception handler).
            throw callbackErrors;
        }
    }

    /// <summary>Once no more children will start, closes the scope: its <c>AllDone</c> completes when the running ones finish.</summary>
    private void CheckAllChildrenDone()
    {
        if (_scope is null)
        {
            return;
        }

        lock (_gate)
        {
            if (_pumping || (!_stopped && _next < Count))
            {
                return;
            }
        }

        _scope.Close();
    }

    /// <summary>The watch on a block of hot children: where each child completes, <see cref="OnChildDone"/>.</summary>
    private sealed class HotChildren : InlineDoneCallback
    {
        /// <summary>Children per watch: one small object per 16 children; a post reads the completion of at most 16.</summary>
        public const int BlockSize = 16;

        private readonly GatherOperation<T, TResult> _owner;

        public HotChildren(GatherOperation<T, TResult> owner, int start, int count)
            : base(owner._tasks!, start, count)
        {
            _owner = owner;
        }

        protected override void OnCompleted(int index) => _owner.OnChildDone(Hot, _owner._tasks![index]);
    }
}
