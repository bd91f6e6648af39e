using System.Diagnostics.CodeAnalysis;

namespace AsyncNotes;

public sealed partial class TaskGroup
{
    /// <summary>Runs <paramref name="body"/> with a new group, then waits for every child: asyncio's
    /// <c>async with asyncio.TaskGroup() as tg:</c> block.</summary>
    /// <remarks>
    /// <para>Maps asyncio's <c>async with asyncio.TaskGroup() as tg:</c>. The Python lines it replaces:</para>
    /// <code>
    /// async with asyncio.TaskGroup() as tg:
    ///     tg.create_task(fetch("url1"))
    /// </code>
    /// <para>The rules are the group's (see <see cref="TaskGroup"/>):</para>
    /// <list type="bullet">
    ///   <item>The body runs inside this call, up to its first incomplete await; the children start afterwards.</item>
    ///   <item>Completes once the body and every child have ended; no child runs afterwards.</item>
    ///   <item>The first failure cancels every other child, then the body's pending await; then the failures are thrown
    ///   together as one <see cref="AggregateException"/>.</item>
    ///   <item>If <paramref name="cancellationToken"/> is already cancelled, the body never runs.</item>
    /// </list>
    /// <para>Unlike <c>Task.WhenAll</c>, nothing outlives the call, a failure cancels the rest, and no failure is lost.</para>
    /// </remarks>
    /// <param name="body">Creates the children (<see cref="CreateTask{T}(Func{CancellationToken, Task{T}}, string?, CancellationToken)"/>)
    /// and may await them; its pending awaits should take <see cref="CancellationToken"/>.</param>
    /// <param name="cancellationToken">Cancels the group: the body's pending await, then every child.</param>
    /// <returns>A task that completes when the body and every child have ended.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is <see langword="null"/>.</exception>
    /// <exception cref="AggregateException">A child or the body failed: every failure that is not a cancellation, the
    /// children's in the order they happened, then the body's.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (and nothing failed), or
    /// the body ended cancelled by a token of its own.</exception>
    public static Task RunAsync(Func<TaskGroup, Task> body, CancellationToken cancellationToken = default) =>
        RunAsync(body, TaskGroupOptions.Default, cancellationToken);

    // The overloads with options inherit everything but the parameters and ArgumentNullException, which they state
    // themselves (inheriting those too would list each twice on the docs site).
    /// <inheritdoc cref="RunAsync(Func{TaskGroup, Task}, CancellationToken)"
    ///   path="/node()[not(self::param) and not(self::exception[@cref='T:System.ArgumentNullException'])]"/>
    /// <param name="body">Creates the children and may await them.</param>
    /// <param name="options">The limit on running children and the supervisor policy.</param>
    /// <param name="cancellationToken">Cancels the group: the body's pending await, then every child.</param>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    public static Task RunAsync(Func<TaskGroup, Task> body, TaskGroupOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(options);
        return cancellationToken.IsCancellationRequested
            ? Task.FromCanceled(cancellationToken)
            : new TaskGroup(options, cancellationToken).Start<bool>(body, valueRequired: false);
    }

    /// <summary>Runs <paramref name="body"/> with a new group, waits for every child, and returns the body's value.</summary>
    /// <remarks>
    /// <para>Maps asyncio's <c>async with asyncio.TaskGroup() as tg:</c> followed by a value computed in the block. The Python
    /// lines it replaces:</para>
    /// <code>
    /// async with asyncio.TaskGroup() as tg:
    ///     a = tg.create_task(fetch("url1"))
    /// total = len(a.result())
    /// </code>
    /// <para>The rules are those of <see cref="RunAsync(Func{TaskGroup, Task}, CancellationToken)"/>; the value is returned
    /// only once every child has ended. After <see cref="Cancel"/> cut the body short there is no value, and this form throws
    /// <see cref="OperationCanceledException"/>.</para>
    /// </remarks>
    /// <typeparam name="T">The body's result type.</typeparam>
    /// <param name="body">Creates the children, may await them, and returns the group's value.</param>
    /// <param name="cancellationToken">Cancels the group: the body's pending await, then every child.</param>
    /// <returns>The body's value, once every child has ended.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is <see langword="null"/>.</exception>
    /// <exception cref="AggregateException">A child or the body failed: every failure that is not a cancellation, the
    /// children's in the order they happened, then the body's.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (and nothing failed), or
    /// the body ended cancelled.</exception>
    public static Task<T> RunAsync<T>(Func<TaskGroup, Task<T>> body, CancellationToken cancellationToken = default) =>
        RunAsync(body, TaskGroupOptions.Default, cancellationToken);

    /// <inheritdoc cref="RunAsync{T}(Func{TaskGroup, Task{T}}, CancellationToken)"
    ///   path="/node()[not(self::param) and not(self::exception[@cref='T:System.ArgumentNullException'])]"/>
    /// <param name="body">Creates the children, may await them, and returns the group's value.</param>
    /// <param name="options">The limit on running children and the supervisor policy.</param>
    /// <param name="cancellationToken">Cancels the group: the body's pending await, then every child.</param>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    public static Task<T> RunAsync<T>(Func<TaskGroup, Task<T>> body, TaskGroupOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(options);
        return cancellationToken.IsCancellationRequested
            ? Task.FromCanceled<T>(cancellationToken)
            : new TaskGroup(options, cancellationToken).Start<T>(body, valueRequired: true);
    }

    /// <summary>Runs the group, known to the loop as one task: a deadlock report names it, and a run that ends while it is
    /// pending aborts it and waits for it.</summary>
    [SuppressMessage("Usage", "VSTHRD200:Use \"Async\" suffix for async methods", Justification = "Starts the group's task.")]
    private Task<T> Start<T>(Func<TaskGroup, Task> body, bool valueRequired)
    {
        Task<T> group = RunCoreAsync<T>(body, valueRequired);
        _scope.RegisterOwner(group);
        return group;
    }

    /// <summary>asyncio's <c>__aenter__</c>, the block, and <c>__aexit__</c>.</summary>
    private async Task<T> RunCoreAsync<T>(Func<TaskGroup, Task> body, bool valueRequired)
    {
        CancellationTokenRegistration registration = _callerToken.UnsafeRegister(static s => ((TaskGroup)s!).OnCallerCancelled(), this);
        try
        {
            Task bodyTask = StartBody(body);

            // SuppressThrowing: the body's outcome is read below, every exception of it; back to the loop on a loop.
            await bodyTask.ConfigureAwait(LoopAware.OnLoopWithoutThrowing);
            OnBodyExited(bodyTask);
            _scope.Close();
            await _scope.AllDone.ConfigureAwait(LoopAware.OnLoop);

            // Off a loop the last child can end while the abort's pass still runs elsewhere: its callbacks' errors count.
            await CancelPassDoneAsync().ConfigureAwait(LoopAware.OnLoop);
            T nothing = Finish<T>(bodyTask, valueRequired);
            return valueRequired && bodyTask.IsCompletedSuccessfully
                ? await ((Task<T>)bodyTask).ConfigureAwait(false) // complete: returns at once
                : nothing;
        }
        finally
        {
            // Waits for a callback of the caller's token that is running right now (off a loop), so that nothing touches the
            // body's source once it is disposed.
            await registration.DisposeAsync().ConfigureAwait(LoopAware.OnLoop);
            _bodyCancellation.Dispose();
        }
    }

    [SuppressMessage("Usage", "VSTHRD200:Use \"Async\" suffix for async methods", Justification = "Calls the body, which returns the task.")]
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A body that throws before its first await fails the group like any other body failure.")]
    private Task StartBody(Func<TaskGroup, Task> body)
    {
        try
        {
            return body(this) ?? Task.FromException(TaskOutcomes.NullTask("The TaskGroup body"));
        }
        catch (Exception failure)
        {
            return TaskOutcomes.FromThrow<bool>(failure);
        }
    }

    /// <summary>The body has ended: a failure or cancellation of it, or a cancellation of the caller's, aborts the group.</summary>
    private void OnBodyExited(Task bodyTask)
    {
        string? abort;
        lock (_gate)
        {
            _bodyDone = true;
            abort = bodyTask.IsFaulted ? "the body failed"
                : bodyTask.IsCanceled ? "the body was cancelled"
                : _callerToken.IsCancellationRequested ? "the caller's token was cancelled"
                : null;
        }

        if (abort is not null)
        {
            Abort(abort);
        }
    }

    /// <summary>Every child has ended: throws the group's failure or cancellation, if any (the body's value is the caller's to
    /// return).</summary>
    private T Finish<T>(Task bodyTask, bool valueRequired)
    {
        List<Exception> errors;
        bool cancelRequested;
        lock (_gate)
        {
            _finished = true;
            errors = [.. _errors];
            cancelRequested = _cancelRequested;
        }

        // A body that awaited a failing child (or Task.WhenAll of children) rethrows their very exceptions, already collected:
        // asyncio's body would have seen a cancellation instead (the group's done-callback runs before the body resumes).
        // Each failure once.
        foreach (Exception bodyError in bodyTask.Exception?.InnerExceptions ?? [])
        {
            if (!errors.Contains(bodyError, ReferenceEqualityComparer.Instance))
            {
                errors.Add(bodyError);
            }
        }

        if (errors.Count > 0)
        {
            throw new AggregateException("Unhandled errors in a TaskGroup.", errors);
        }

        if (_callerToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The TaskGroup was cancelled by the caller's token.", _callerToken);
        }

        if (bodyTask.IsCanceled && (valueRequired || !cancelRequested))
        {
            throw new OperationCanceledException(
                cancelRequested ? "TaskGroup.Cancel cut the body short: it has no value to return." : "The TaskGroup's body was cancelled.",
                cancelRequested ? _bodyToken : TaskOutcomes.CanceledToken(bodyTask));
        }

        return default!;
    }
}
