namespace AsyncNotes;

/// <summary>Makes an <see cref="IAsyncDisposable"/> from a cleanup delegate: the C# shape of Python's
/// <c>@contextlib.asynccontextmanager</c>.</summary>
/// <remarks>
/// <para>Maps <c>@contextlib.asynccontextmanager</c>, the decorator asyncio code uses to write an <c>async with</c> resource as
/// one generator function. The Python lines it replaces:</para>
/// <code>
/// @contextlib.asynccontextmanager
/// async def transaction(conn):
///     await conn.execute("BEGIN")
///     try:
///         yield
///     finally:
///         await conn.execute("END")
/// </code>
/// <para>In C#, the code before <c>yield</c> runs in a method that returns the disposable; the code after it is the
/// delegate:</para>
/// <code>
/// async Task&lt;IAsyncDisposable&gt; TransactionAsync(DbConnection conn, CancellationToken ct)
/// {
///     await ExecuteAsync(conn, "BEGIN", ct);
///     return AsyncDisposable.Create(async () => await ExecuteAsync(conn, "END", CancellationToken.None));
/// }
/// await using (await TransactionAsync(conn, ct)) { ... }
/// </code>
/// <para>Unlike the generator, the cleanup cannot see or suppress an exception leaving the block (see
/// <see cref="AsyncExitStack"/>).</para>
/// </remarks>
public static class AsyncDisposable
{
    /// <summary>Returns an <see cref="IAsyncDisposable"/> whose <see cref="IAsyncDisposable.DisposeAsync"/> runs
    /// <paramref name="disposeAsync"/>.</summary>
    /// <param name="disposeAsync">The cleanup.</param>
    /// <returns>A disposable that runs <paramref name="disposeAsync"/> on its first <c>DisposeAsync</c> only: later calls, from
    /// any thread, return at once (the .NET rule that disposing twice is harmless). An exception thrown by
    /// <paramref name="disposeAsync"/> before it returns its task fails the returned task instead of escaping the call.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="disposeAsync"/> is <see langword="null"/>.</exception>
    public static IAsyncDisposable Create(Func<ValueTask> disposeAsync)
    {
        ArgumentNullException.ThrowIfNull(disposeAsync);
        return new DelegateDisposable(disposeAsync);
    }

    private sealed class DelegateDisposable(Func<ValueTask> disposeAsync) : IAsyncDisposable
    {
        private Func<ValueTask>? _disposeAsync = disposeAsync;

        public ValueTask DisposeAsync()
        {
            try
            {
                return Interlocked.Exchange(ref _disposeAsync, null)?.Invoke() ?? default;
            }
#pragma warning disable CA1031 // a cleanup that throws before returning its task fails the task, as an async method would
            catch (Exception ex)
#pragma warning restore CA1031
            {
                return ValueTask.FromException(ex);
            }
        }
    }
}
