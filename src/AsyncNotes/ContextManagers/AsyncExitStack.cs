using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;

namespace AsyncNotes;

/// <summary>A stack of cleanups that are run in reverse order when it is disposed: Python's
/// <c>contextlib.AsyncExitStack</c>, for a number of resources known only at run time.</summary>
/// <remarks>
/// <para>Maps <c>contextlib.AsyncExitStack</c>, the stack asyncio code uses for <c>async with</c> over a number of resources
/// known only at run time. The Python lines it replaces:</para>
/// <code>
/// async with contextlib.AsyncExitStack() as stack:
///     conns = [await stack.enter_async_context(open_db(path)) for path in paths]
///     stack.push_async_callback(report, "done")
///     ...                      # on the way out: report, then every connection, last opened first
/// </code>
/// <para>In C#:</para>
/// <code>
/// await using var stack = new AsyncExitStack();
/// foreach (string path in paths)
///     conns.Add(await stack.EnterAsyncContextAsync(ct => AsyncDb.OpenAsync(path, ct), ct));
/// stack.PushAsyncCallback(() => ReportAsync("done"));
/// </code>
/// <para>The rules:</para>
/// <list type="bullet">
///   <item><see cref="DisposeAsync"/> (Python's <c>aclose()</c>, and the end of <c>async with</c>) runs every cleanup pushed,
///   last pushed first, one after the other: each cleanup's task completes before the next one starts.</item>
///   <item>Every cleanup runs, even when earlier ones throw. If one throws, <see cref="DisposeAsync"/> throws that exception
///   (with its original stack trace); if several do, it throws one <see cref="AggregateException"/> holding them in the
///   order they were thrown. Python instead raises the last one with the others chained as its <c>__context__</c>.</item>
///   <item><see cref="PopAll"/> moves every cleanup to a new stack and leaves this one empty: the resources outlive this
///   stack's scope and are handed on to the new owner (Python's <c>pop_all()</c>).</item>
///   <item>Once <see cref="DisposeAsync"/> has started, the stack is spent: a push throws
///   <see cref="ObjectDisposedException"/> and leaves the resource with the caller, and a second
///   <see cref="DisposeAsync"/> does nothing. Python's stack can be reused after <c>aclose()</c>; a disposed .NET object
///   cannot. A cleanup that pushes onto the stack it runs from is refused the same way.</item>
///   <item>Thread safety: pushing, <see cref="PopAll"/> and <see cref="DisposeAsync"/> may be called from any thread
///   concurrently; each push either lands before the unwinding starts (and is run) or throws. The cleanups run one at a
///   time. On a loop they all run on the loop. Off a loop, the library captures no context: the first cleanup starts on
///   the thread pool, and each runs wherever the previous one's await completed, so a cleanup that needs a particular
///   thread (a UI object) must get there itself.</item>
/// </list>
/// <para>What C# cannot do: Python's <c>__aexit__</c> sees the exception leaving the block and may suppress it;
/// <see cref="IAsyncDisposable.DisposeAsync"/> sees nothing, so there is no <c>push_async_exit</c> with exception details
/// and no suppression. Catch the exception in the block instead.</para>
/// <para>Against the BCL: .NET has nothing like it. Nested <c>await using</c> statements serve a number of resources known
/// when the code is written; a <c>List&lt;IAsyncDisposable&gt;</c> disposed in a loop by hand stops at the first exception
/// unless it is written with care, and forgets the ones added after that point.</para>
/// </remarks>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "Python's name, fixed by the project's mapping: it is a stack of cleanups.")]
public sealed class AsyncExitStack : IAsyncDisposable
{
    private readonly object _gate = new();
    private List<Func<ValueTask>>? _exits = [];
    private Task? _unwinding; // set, under _gate, by the DisposeAsync that takes the cleanups

    /// <summary>How many cleanups are waiting to run; 0 once the stack is disposed.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _exits?.Count ?? 0;
            }
        }
    }

    /// <summary>Opens a resource with <paramref name="openAsync"/> and pushes its <see cref="IAsyncDisposable.DisposeAsync"/>:
    /// Python's <c>await stack.enter_async_context(cm)</c>, where <paramref name="openAsync"/> is the <c>__aenter__</c>.</summary>
    /// <typeparam name="T">The resource.</typeparam>
    /// <param name="openAsync">Opens the resource; given <paramref name="cancellationToken"/>.</param>
    /// <param name="cancellationToken">Passed to <paramref name="openAsync"/>; checked before it is called.</param>
    /// <returns>The open resource, whose disposal the stack now owns.</returns>
    /// <remarks>
    /// <list type="bullet">
    ///   <item>If <paramref name="openAsync"/> throws, nothing is pushed and the exception propagates (nothing to close).</item>
    ///   <item>If the stack is disposed while the resource is opening, the resource is disposed once the stack's own cleanups
    ///   have run (it was opened after all of them), and <see cref="ObjectDisposedException"/> is thrown, with the
    ///   resource's own disposal failure, if any, as its inner exception: nothing is left open.</item>
    /// </list>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="openAsync"/> is <see langword="null"/>, or returns <see langword="null"/>.</exception>
    /// <exception cref="ObjectDisposedException">The stack was disposed before or while the resource was opened.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before the call, or
    /// <paramref name="openAsync"/> observed it.</exception>
    public async Task<T> EnterAsyncContextAsync<T>(Func<CancellationToken, Task<T>> openAsync, CancellationToken cancellationToken = default)
        where T : IAsyncDisposable
    {
        ArgumentNullException.ThrowIfNull(openAsync);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        cancellationToken.ThrowIfCancellationRequested();

        T resource = await openAsync(cancellationToken).ConfigureAwait(LoopAware.OnLoop);
        if (resource is null)
        {
            throw new ArgumentNullException(nameof(openAsync), "The open function returned null.");
        }

        if (TryPush(resource.DisposeAsync))
        {
            return resource;
        }

        // Opened too late: closed after the stack's own cleanups (it was opened after all of them), then refused.
        await WaitForUnwindingAsync().ConfigureAwait(LoopAware.OnLoop);
        Exception? closeFailure = null;
        try
        {
            await resource.DisposeAsync().ConfigureAwait(LoopAware.OnLoop);
        }
#pragma warning disable CA1031 // kept as the inner exception of the ObjectDisposedException below
        catch (Exception ex)
#pragma warning restore CA1031
        {
            closeFailure = ex;
        }

        throw new ObjectDisposedException(
            closeFailure is null
                ? "The stack was disposed while the resource was opening; the resource has been disposed."
                : "The stack was disposed while the resource was opening; disposing the resource failed too (see the inner exception).",
            closeFailure);
    }

    /// <summary>Pushes an open resource's <see cref="IAsyncDisposable.DisposeAsync"/>: Python's
    /// <c>stack.push_async_exit(cm)</c> for a resource that is already entered.</summary>
    /// <typeparam name="T">The resource.</typeparam>
    /// <param name="resource">The resource the stack will dispose.</param>
    /// <returns><paramref name="resource"/>, so the call can wrap its creation.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="resource"/> is <see langword="null"/>.</exception>
    /// <exception cref="ObjectDisposedException">The stack has been disposed; the resource stays the caller's to dispose.</exception>
    public T PushAsyncExit<T>(T resource)
        where T : IAsyncDisposable
    {
        ArgumentNullException.ThrowIfNull(resource);
        Push(resource.DisposeAsync);
        return resource;
    }

    /// <summary>Pushes a resource's synchronous <see cref="IDisposable.Dispose"/>: Python's <c>stack.enter_context(cm)</c> and
    /// <c>stack.push(cm)</c> for a context manager without an async exit.</summary>
    /// <typeparam name="T">The resource.</typeparam>
    /// <param name="resource">The resource the stack will dispose.</param>
    /// <returns><paramref name="resource"/>, so the call can wrap its creation.</returns>
    /// <remarks>For a type that has both, prefer <see cref="PushAsyncExit{T}"/>: <c>Dispose</c> may block the thread (a
    /// loop's thread) on I/O that <c>DisposeAsync</c> would await.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="resource"/> is <see langword="null"/>.</exception>
    /// <exception cref="ObjectDisposedException">The stack has been disposed; the resource stays the caller's to dispose.</exception>
    public T Push<T>(T resource)
        where T : IDisposable
    {
        ArgumentNullException.ThrowIfNull(resource);
        Push(() =>
        {
            resource.Dispose();
            return default;
        });
        return resource;
    }

    /// <summary>Pushes an async cleanup: Python's <c>stack.push_async_callback(callback)</c>.</summary>
    /// <param name="callback">Run when the stack unwinds; the stack awaits it before running the next cleanup.</param>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is <see langword="null"/>.</exception>
    /// <exception cref="ObjectDisposedException">The stack has been disposed.</exception>
    public void PushAsyncCallback(Func<ValueTask> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        Push(callback);
    }

    /// <summary>Pushes a synchronous cleanup: Python's <c>stack.callback(callback)</c>.</summary>
    /// <param name="callback">Run when the stack unwinds.</param>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is <see langword="null"/>.</exception>
    /// <exception cref="ObjectDisposedException">The stack has been disposed.</exception>
    public void PushCallback(Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        Push(() =>
        {
            callback();
            return default;
        });
    }

    /// <summary>Moves every cleanup to a new stack, in the same order, and leaves this one empty: Python's
    /// <c>stack.pop_all()</c>, to keep resources opened inside a block alive after it.</summary>
    /// <returns>A new stack that owns the cleanups; dispose it when the resources are no longer needed.</returns>
    /// <remarks>The usual shape: open everything inside <c>await using var stack</c>; if every open succeeded, return
    /// <c>stack.PopAll()</c> to the caller; if one threw, the <c>await using</c> closes the ones already open.</remarks>
    /// <exception cref="ObjectDisposedException">The stack has been disposed.</exception>
    public AsyncExitStack PopAll()
    {
        var moved = new AsyncExitStack();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_exits is null, this);
            (moved._exits, _exits) = (_exits, []);
        }

        return moved;
    }

    /// <summary>Runs every cleanup, last pushed first: Python's <c>await stack.aclose()</c>, and the end of
    /// <c>async with AsyncExitStack()</c>.</summary>
    /// <returns>A task that completes when every cleanup has run.</returns>
    /// <exception cref="AggregateException">More than one cleanup threw; it holds them in the order they were thrown.</exception>
    /// <remarks>When exactly one cleanup throws, its exception is rethrown as it is (not wrapped). A second call completes
    /// when the first call's unwinding has finished, without its exceptions (the first call reports them).</remarks>
    public async ValueTask DisposeAsync()
    {
        List<Func<ValueTask>>? exits;
        TaskCompletionSource? unwound = null;
        lock (_gate)
        {
            (exits, _exits) = (_exits, null);
            if (exits is not null)
            {
                unwound = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _unwinding = unwound.Task;
            }
        }

        if (exits is null)
        {
            await WaitForUnwindingAsync().ConfigureAwait(LoopAware.OnLoop);
            return;
        }

        try
        {
            await UnwindAsync(exits).ConfigureAwait(LoopAware.OnLoop);
        }
        finally
        {
            unwound!.SetResult();
        }
    }

    private static async Task UnwindAsync(List<Func<ValueTask>> exits)
    {
        List<ExceptionDispatchInfo>? errors = null;
        for (int i = exits.Count - 1; i >= 0; i--)
        {
            try
            {
                await exits[i]().ConfigureAwait(LoopAware.OnLoop);
            }
#pragma warning disable CA1031 // every cleanup must run: the exception is kept and rethrown after the last one
            catch (Exception ex)
#pragma warning restore CA1031
            {
                (errors ??= []).Add(ExceptionDispatchInfo.Capture(ex));
            }
        }

        if (errors is [var only])
        {
            only.Throw();
        }

        if (errors is not null)
        {
            throw new AggregateException("More than one cleanup of the AsyncExitStack threw.", errors.Select(e => e.SourceException));
        }
    }

    // Completes when the unwinding started by the first DisposeAsync has finished (that call reports its outcome).
    private Task WaitForUnwindingAsync()
    {
        lock (_gate)
        {
            return _unwinding ?? Task.CompletedTask;
        }
    }

    private bool IsDisposed
    {
        get
        {
            lock (_gate)
            {
                return _exits is null;
            }
        }
    }

    private void Push(Func<ValueTask> exit)
    {
        if (!TryPush(exit))
        {
            throw new ObjectDisposedException(nameof(AsyncExitStack), "The stack has been disposed; the resource was not taken and is still yours to dispose.");
        }
    }

    private bool TryPush(Func<ValueTask> exit)
    {
        lock (_gate)
        {
            if (_exits is null)
            {
                return false;
            }

            _exits.Add(exit);
            return true;
        }
    }
}
