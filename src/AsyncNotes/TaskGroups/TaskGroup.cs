using System.Diagnostics.CodeAnalysis;

namespace AsyncNotes;

/// <summary>Structured concurrency: a group of child tasks that all end before the group does, and whose first failure cancels
/// the rest.</summary>
/// <remarks>
/// <para>Maps asyncio's <c>TaskGroup</c>. The Python lines it replaces:</para>
/// <code>
/// async with asyncio.TaskGroup() as tg:
///     a = tg.create_task(fetch("url1"))
///     b = tg.create_task(fetch("url2"))
/// </code>
/// <para>In C#, with <see cref="RunAsync(Func{TaskGroup, Task}, CancellationToken)"/>:</para>
/// <code>
/// await TaskGroup.RunAsync(async tg =>
/// {
///     Task&lt;string&gt; a = tg.CreateTask(ct => FetchAsync("url1", ct));
///     Task&lt;string&gt; b = tg.CreateTask(ct => FetchAsync("url2", ct));
/// }, cancellationToken);
/// </code>
/// <para>A group exists only inside <see cref="RunAsync(Func{TaskGroup, Task}, CancellationToken)"/>, which runs the body and
/// then waits for every child. The rules (asyncio 3.13's):</para>
/// <list type="bullet">
///   <item><c>RunAsync</c> completes only after every child has completed, including children added by children after the
///   body returned; no child runs afterwards.</item>
///   <item>The first failure, of a child or of the body, cancels every other child (in the order they were created) and then
///   the body's pending await (<see cref="CancellationToken"/>). Children that had not started yet never run their
///   delegate.</item>
///   <item><c>RunAsync</c> then throws one <see cref="AggregateException"/> holding every failure that is not a cancellation:
///   the children's in the order they happened, then the body's (asyncio's <c>ExceptionGroup</c>). A nested group's
///   <see cref="AggregateException"/> stays nested.</item>
///   <item>A child that ends cancelled (its own token, or an <see cref="OperationCanceledException"/> it threw) is not a
///   failure.</item>
///   <item>An exception thrown by a token callback while the group cancels (a child's <c>Register</c>) is collected with
///   the failures; the cancelling always reaches every child and the body. A cancellation asked for from another thread
///   (the caller's token, <see cref="Cancel"/>) runs on the group's loop.</item>
///   <item>If the loop's run ends while the group is still running (<c>main</c> returned without awaiting it), the group
///   aborts like on a failure: children and body are cancelled and awaited.</item>
///   <item>The caller's token cancels the body's pending await first, as cancelling the task that owns an <c>async with</c>
///   block does; once the body has ended, the children are cancelled. If children then fail while being cancelled, their
///   errors win (<see cref="AggregateException"/>); otherwise <c>RunAsync</c> throws <see cref="OperationCanceledException"/>.
///   The group never cancels the caller's token.</item>
///   <item><see cref="CreateTask{T}(Func{CancellationToken, Task{T}}, string?, System.Threading.CancellationToken)"/> on a
///   group that is failing, cancelled or finished throws <see cref="InvalidOperationException"/>, and the delegate never
///   runs.</item>
/// </list>
/// <para>Beyond asyncio: <see cref="Cancel"/> (asyncio 3.15's <c>TaskGroup.cancel()</c>), <see cref="TaskGroupOptions"/> with
/// <see cref="TaskGroupOptions.MaxConcurrency"/> and <see cref="TaskGroupOptions.Supervisor"/>, and
/// <see cref="RunningChildren"/>.</para>
/// <para>Why a delegate and not <c>await using</c>: <c>DisposeAsync</c> cannot see an exception thrown by the body of an
/// <c>await using</c> block, so such a group could not cancel its children when the body fails (asyncio's
/// <c>__aexit__</c> receives that exception). The delegate form catches it.</para>
/// <para>Against the BCL: <c>Task.WhenAll</c> waits for every task even after one failed, cancels nothing, and its
/// <c>await</c> rethrows only the first failure; doing it by hand takes a linked <see cref="CancellationTokenSource"/>, a
/// catch around the body, and reading <c>Task.Exception</c>. Off a loop the group works the same, its children on the thread
/// pool.</para>
/// </remarks>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "A group lives only inside RunAsync, which disposes the body's token source when it ends.")]
public sealed partial class TaskGroup
{
    private readonly object _gate = new();
    private readonly EventLoop? _loop;
    private readonly TaskGroupOptions _options;
    private readonly CancellationToken _callerToken;
    private readonly CancellationTokenSource _bodyCancellation = new();
    private readonly CancellationToken _bodyToken;
    private readonly ChildScope _scope;
    private readonly AsyncSemaphore? _slots;
    private readonly List<Exception> _errors = [];
    private bool _bodyDone;
    private bool _aborting;
    private bool _cancelRequested;
    private bool _finished;
    private string? _abortReason;
    private int _offLoopChildren;

    // Completed once the abort's pass (cancel the children, then the body, collecting their callbacks' errors) has run: off
    // a loop the last child can end on another thread while the pass is still running, and its errors must be in.
    private TaskCompletionSource? _cancelPass;

    private TaskGroup(TaskGroupOptions options, CancellationToken callerToken)
    {
        _loop = EventLoop.CurrentFor("TaskGroup.RunAsync");
        _options = options;
        _callerToken = callerToken;
        _bodyToken = _bodyCancellation.Token;
        _scope = new ChildScope(_loop, nameof(TaskGroup), () => Abort("the event loop's run has ended"));
        _slots = options.MaxConcurrency is { } limit ? new AsyncSemaphore(limit) : null;
    }

    /// <summary>The body's token: cancelled when the group aborts (the first failure, <see cref="Cancel"/>) or the caller's
    /// token is cancelled. Pass it to the body's own awaits; they are the "pending await" that asyncio cancels.</summary>
    public CancellationToken CancellationToken => _bodyToken;

    /// <summary>The names of the children that have not finished yet, in the order they were created: a snapshot for
    /// diagnostics. The loop's deadlock report names the same children.</summary>
    public IReadOnlyList<string> RunningChildren => _scope.RunningNames();

    /// <summary>Adds a child to the group: asyncio's <c>tg.create_task(coro, name=...)</c>.</summary>
    /// <remarks>
    /// <para>Maps asyncio's <c>TaskGroup.create_task</c>. The Python line it replaces:</para>
    /// <code>task = tg.create_task(fetch("url1"), name="fetch-1")</code>
    /// <list type="bullet">
    ///   <item>The child starts as <see cref="AsyncIO.CreateTask{T}(Func{CancellationToken, Task{T}}, string?, CancellationToken)"/>
    ///   starts work: on a loop at its next turn, behind the callbacks already ready; off a loop on the thread pool. None of
    ///   <paramref name="work"/> runs inside this call.</item>
    ///   <item>Its token is its own: the group cancels it when it aborts, and <paramref name="cancellationToken"/> cancels
    ///   this child alone (asyncio's <c>task.cancel()</c>), which is not a failure of the group.</item>
    ///   <item>A child cancelled before it starts, or while it waits for a slot (<see cref="TaskGroupOptions.MaxConcurrency"/>),
    ///   never runs <paramref name="work"/> and ends cancelled.</item>
    ///   <item>The child sees its name through <see cref="AsyncIO.CurrentTaskName"/>, and a copy of the creator's
    ///   <see cref="AsyncLocal{T}"/> values; its own writes do not flow back.</item>
    ///   <item>Children may create children (of this group), until the group has finished.</item>
    /// </list>
    /// <para>Unlike <c>Task.Run</c>, the group owns the child: its failure aborts the group, and <c>RunAsync</c> waits for it.
    /// The returned task may be awaited, or not: the group observes its failure either way.</para>
    /// </remarks>
    /// <typeparam name="T">The type of the result.</typeparam>
    /// <param name="work">The child's work, given the child's token.</param>
    /// <param name="name">The child's name (<c>Task-N</c> on a loop when <see langword="null"/>), shown in
    /// <see cref="RunningChildren"/> and in a deadlock report.</param>
    /// <param name="cancellationToken">Cancels this child only.</param>
    /// <returns>The child's task.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="work"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The group is failing (a failure or <see cref="Cancel"/> has aborted it) or has
    /// finished; <paramref name="work"/> never runs.</exception>
    [SuppressMessage("Usage", "VSTHRD200:Use \"Async\" suffix for async methods", Justification = "Like Task.Run, it starts a task rather than being an asynchronous operation; the name is asyncio's create_task.")]
    public Task<T> CreateTask<T>(Func<CancellationToken, Task<T>> work, string? name = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        CheckAcceptsChildren();

        if (_loop is null)
        {
            return StartOnThePool<T>(work, workWithoutResult: null, name, cancellationToken);
        }

        string childName = name ?? _loop.TakeTaskName();
        var info = new LoopTask(childName, EventLoop.CurrentTask);
        Task<T> child;
        try
        {
            if (_slots is null)
            {
                child = _scope.Start(token => Launch(work, info, slot: null, token), OnChildDone, childName, cancellationToken);
            }
            else
            {
                var slot = new SlotHold();
                child = _scope.Start(
                    token => Launch(work, info, slot, token),
                    (index, done) =>
                    {
                        OnChildDone(index, done);
                        slot.ReleaseTo(_slots);
                    },
                    childName,
                    cancellationToken);
            }
        }
        catch (InvalidOperationException)
        {
            throw Finished();
        }

        return child; // Launch registered it with the loop before its first step
    }

    /// <inheritdoc cref="CreateTask{T}(Func{CancellationToken, Task{T}}, string?, CancellationToken)"/>
    [SuppressMessage("Usage", "VSTHRD200:Use \"Async\" suffix for async methods", Justification = "Like Task.Run, it starts a task rather than being an asynchronous operation; the name is asyncio's create_task.")]
    public Task CreateTask(Func<CancellationToken, Task> work, string? name = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (_loop is null)
        {
            CheckAcceptsChildren();
            return StartOnThePool<bool>(work: null, work, name, cancellationToken);
        }

        return CreateTask(WorkWithoutResult.ReturningTrue(work), name, cancellationToken);
    }

    /// <summary>Ends the group early, without an error: asyncio 3.15's <c>TaskGroup.cancel()</c>.</summary>
    /// <remarks>
    /// <para>Maps asyncio's <c>TaskGroup.cancel()</c> (Python 3.15). The Python line it replaces:</para>
    /// <code>tg.cancel()</code>
    /// <list type="bullet">
    ///   <item>Cancels every unfinished child, in the order they were created, and then the body's
    ///   <see cref="CancellationToken"/>; children created afterwards are refused.</item>
    ///   <item><c>RunAsync</c> then completes normally once every child has ended: no <see cref="OperationCanceledException"/>.
    ///   The form whose body returns a value throws <see cref="OperationCanceledException"/> if the body itself was cut short,
    ///   since it has no value to return.</item>
    ///   <item>Failures that happen anyway (a child whose cleanup throws) are still thrown as an
    ///   <see cref="AggregateException"/>.</item>
    ///   <item>A body that then ends cancelled, by this or by a token of its own, is not an error.</item>
    ///   <item>Idempotent, and a no-op once the group has finished. Called from another thread, the cancelling itself runs on
    ///   the group's loop.</item>
    /// </list>
    /// <para>Unlike <see cref="CancellationTokenSource.Cancel()"/> on a linked source, it is not an error for the group.</para>
    /// </remarks>
    public void Cancel()
    {
        lock (_gate)
        {
            if (_finished)
            {
                return;
            }

            _cancelRequested = true;
        }

        Abort("TaskGroup.Cancel was called");
    }

    private void CheckAcceptsChildren()
    {
        lock (_gate)
        {
            if (_finished)
            {
                throw Finished();
            }

            if (_aborting)
            {
                throw new InvalidOperationException($"The TaskGroup is shutting down ({_abortReason}): it accepts no new children.");
            }
        }
    }

    private static InvalidOperationException Finished() =>
        new("The TaskGroup has finished: every child has ended, so no new child can join it.");

    /// <summary>Starts a child on the loop, as <c>AsyncIO.CreateTask</c> does (off a loop, see <see cref="StartOnThePool"/>).</summary>
    [SuppressMessage("Usage", "VSTHRD200:Use \"Async\" suffix for async methods", Justification = "Starts the child, like Task.Run.")]
    private Task<T> Launch<T>(Func<CancellationToken, Task<T>> work, LoopTask info, SlotHold? slot, CancellationToken token)
    {
        Task<T> Start()
        {
            EventLoop.SetCurrentTask(info);
            token.ThrowIfCancellationRequested();
            return slot is null ? Invoke(work, token) : RunInSlotAsync(work, slot, token);
        }

        // Registered before its first step is queued: from a thread other than the loop's, that step could run first.
        EventLoop loop = _loop!;
        return loop.StartOnNextTurn(Start, task =>
        {
            info.Task = task;
            loop.Register(task, info, cancellation: null);
        });
    }

    [SuppressMessage("Usage", "VSTHRD200:Use \"Async\" suffix for async methods", Justification = "Calls the user's delegate, which returns the task.")]
    private static Task<T> Invoke<T>(Func<CancellationToken, Task<T>> work, CancellationToken token) =>
        work(token) ?? throw TaskOutcomes.NullTask("The work delegate");

    /// <summary>Waits for a slot first. The slot is given back in the child's done-callback, after the group has dealt with
    /// the child's outcome: a failure cancels the children waiting for slots before one of them could be handed this one.</summary>
    private async Task<T> RunInSlotAsync<T>(Func<CancellationToken, Task<T>> work, SlotHold slot, CancellationToken token)
    {
        _ = await _slots!.AcquireAsync(token).ConfigureAwait(LoopAware.OnLoop); // released in the done-callback
        slot.Held = true;
        token.ThrowIfCancellationRequested(); // handed a slot, but cancelled meanwhile: never run
        return await Invoke(work, token).ConfigureAwait(LoopAware.OnLoop);
    }

    /// <summary>Whether a child holds a slot of <see cref="TaskGroupOptions.MaxConcurrency"/> (it may have been cancelled while
    /// it waited for one).</summary>
    private sealed class SlotHold
    {
        public bool Held { get; set; }

        public void ReleaseTo(AsyncSemaphore slots)
        {
            if (Held)
            {
                Held = false;
                slots.Release();
            }
        }
    }

    /// <summary>asyncio's <c>_on_task_done</c>: a done-callback, scheduled on the loop when the child ends. A child that ended
    /// with nothing but <see cref="OperationCanceledException"/>s, however it got there (cancelled, or faulted with one), is a
    /// cancellation, not a failure.</summary>
    private void OnChildDone(int index, Task child)
    {
        if (!child.IsFaulted || child.Exception!.InnerExceptions.All(e => e is OperationCanceledException))
        {
            return;
        }

        bool abort;
        lock (_gate)
        {
            _errors.Add(TaskOutcomes.Unwrap(child.Exception!));
            abort = !_options.Supervisor;
        }

        if (abort)
        {
            Abort("a child failed");
        }
    }

    /// <summary>asyncio's <c>_abort</c> followed by cancelling the parent task: every unfinished child in creation order, then
    /// the body's pending await. Runs once, on the loop (posted there when asked from another thread, so that the children's
    /// token callbacks run on the loop).</summary>
    private void Abort(string reason)
    {
        lock (_gate)
        {
            if (_aborting)
            {
                return;
            }

            _aborting = true;
            _abortReason = reason;
            _cancelPass = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        OnLoop(static g => g.CancelChildrenThenBody());
    }

    /// <summary>The abort's pass, once it has run (complete at once when the group was never aborted).</summary>
    private Task CancelPassDoneAsync()
    {
        lock (_gate)
        {
            return _cancelPass?.Task ?? Task.CompletedTask;
        }
    }

    private void CancelChildrenThenBody()
    {
        List<Exception>? callbackErrors = null;
        try
        {
            // Each step's throwing token callbacks are collected, and the next step still runs.
            CancelCollecting(() => _scope.CancelAll(), ref callbackErrors);
            CancelCollecting(CancelBody, ref callbackErrors);
            CollectCallbackErrors(callbackErrors);
        }
        finally
        {
            TaskCompletionSource pass;
            lock (_gate)
            {
                pass = _cancelPass!;
            }

            pass.SetResult();
        }
    }

    /// <summary>Runs one step of the abort's pass; the errors its token callbacks throw are added to <paramref name="callbackErrors"/>.</summary>
    private static void CancelCollecting(Action cancel, ref List<Exception>? callbackErrors)
    {
        try
        {
            cancel();
        }
        catch (AggregateException errors)
        {
            (callbackErrors ??= []).AddRange(errors.Flatten().InnerExceptions);
        }
    }

    /// <summary>Errors thrown by token callbacks while the group cancels are failures of the group: collected with the rest
    /// (never thrown into whoever triggered the cancellation).</summary>
    private void CollectCallbackErrors(List<Exception>? callbackErrors)
    {
        if (callbackErrors is not null)
        {
            lock (_gate)
            {
                _errors.AddRange(callbackErrors);
            }
        }
    }

    private void CancelBody()
    {
        lock (_gate)
        {
            if (_bodyDone)
            {
                return;
            }
        }

        try
        {
            LoopAware.CancelNow(_bodyCancellation);
        }
        catch (ObjectDisposedException)
        {
            // The body ended and the group finished meanwhile (off a loop): nothing left to cancel.
        }
    }

    /// <summary>The caller's token: the body's pending await first (as cancelling the owning task does), the children once the
    /// body has ended (<see cref="OnBodyExited"/> checks the token too, so a body ending meanwhile is covered).</summary>
    private void OnCallerCancelled()
    {
        bool bodyRunning;
        lock (_gate)
        {
            if (_finished)
            {
                return;
            }

            bodyRunning = !_bodyDone;
        }

        if (bodyRunning)
        {
            OnLoop(static g =>
            {
                try
                {
                    g.CancelBody();
                }
                catch (AggregateException errors)
                {
                    g.CollectCallbackErrors([.. errors.Flatten().InnerExceptions]);
                }
            });
        }
        else
        {
            Abort("the caller's token was cancelled");
        }
    }

    /// <summary>Runs <paramref name="action"/> now if on the group's loop (or off any loop), else posts it to the loop.</summary>
    private void OnLoop(Action<TaskGroup> action)
    {
        if (_loop is null || _loop.IsOnLoopThread || !_loop.TryPost(static s => ((Action)s!)(), () => action(this)))
        {
            action(this);
        }
    }
}
