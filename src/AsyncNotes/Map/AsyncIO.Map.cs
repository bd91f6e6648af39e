using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace AsyncNotes;

public static partial class AsyncIO
{
    /// <summary>Runs <paramref name="func"/> over every item of <paramref name="source"/>, at most
    /// <paramref name="maxConcurrency"/> at a time, and yields the results as they are ready.</summary>
    /// <remarks>
    /// <para>The notes' "gather with a Semaphore to cap concurrency", as one call. The Python lines it replaces:</para>
    /// <code>
    /// sem = asyncio.Semaphore(10)
    /// async def bounded(url):
    ///     async with sem:
    ///         return await fetch(url)
    /// results = await asyncio.gather(*(bounded(u) for u in urls))
    /// </code>
    /// <para>Rules:</para>
    /// <list type="bullet">
    ///   <item>Never more than <paramref name="maxConcurrency"/> items in flight; with <paramref name="ordered"/>, a result
    ///   waiting for an earlier one still counts as in flight, so memory stays bounded too.</item>
    ///   <item>The source is read no further ahead than a free slot needs (backpressure): a slow consumer slows the reading.</item>
    ///   <item><paramref name="ordered"/> <see langword="true"/> yields in input order; <see langword="false"/> in completion
    ///   order.</item>
    ///   <item>The first failure cancels every item still in flight, waits for them, and is thrown from
    ///   <c>MoveNextAsync</c> (the same exception object). An item that ends cancelled on its own is thrown as its
    ///   <see cref="OperationCanceledException"/>.</item>
    ///   <item><paramref name="cancellationToken"/> (or <c>WithCancellation</c>) cancels the source and every item in flight;
    ///   <c>MoveNextAsync</c> then throws <see cref="OperationCanceledException"/> once they have ended.</item>
    ///   <item>Leaving <c>await foreach</c> early (<c>break</c>, an exception) cancels and awaits what is in flight: nothing
    ///   outlives the enumeration.</item>
    ///   <item>Each item's <paramref name="func"/> runs hot (up to its first await) when its slot frees, with a token of its
    ///   own; on a loop everything runs on the loop, in order.</item>
    /// </list>
    /// <para>Against what a reader would reach for: <c>Parallel.ForEachAsync</c> returns no results and starts its workers
    /// on the thread pool; <see cref="SemaphoreSlim"/> plus <c>Task.WhenAll</c> by hand creates every task up front (no
    /// backpressure) and waits for all before the first result; <c>GatherAsync(work, maxConcurrency)</c> takes a finished
    /// list and returns one array; a Polly concurrency limiter rejects or queues calls but neither orders nor collects
    /// results.</para>
    /// </remarks>
    /// <example><code>
    /// await foreach (string page in AsyncIO.MapAsync(urls, (url, ct) => FetchAsync(url, ct), maxConcurrency: 10))
    ///     Console.WriteLine(page.Length);
    /// </code></example>
    /// <typeparam name="T">The items' type.</typeparam>
    /// <typeparam name="TResult">The results' type.</typeparam>
    /// <param name="source">The items, read lazily.</param>
    /// <param name="func">The work for one item, given the item's token.</param>
    /// <param name="maxConcurrency">The most items in flight at once; at least 1.</param>
    /// <param name="ordered">Yield in input order (the default) or in completion order.</param>
    /// <param name="cancellationToken">Cancels the source and every item in flight.</param>
    /// <returns>The results.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="func"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxConcurrency"/> is less than 1.</exception>
    [SuppressMessage("Usage", "VSTHRD200:Use \"Async\" suffix for async methods", Justification = "The issue's name: asyncio has no map; MapAsync reads as the async counterpart of Select.")]
    public static IAsyncEnumerable<TResult> MapAsync<T, TResult>(
        IAsyncEnumerable<T> source,
        Func<T, CancellationToken, Task<TResult>> func,
        int maxConcurrency,
        bool ordered = true,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(func);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        return MapCoreAsync(source, func, maxConcurrency, ordered, cancellationToken);
    }

    /// <inheritdoc cref="MapAsync{T, TResult}(IAsyncEnumerable{T}, Func{T, CancellationToken, Task{TResult}}, int, bool, CancellationToken)"/>
    [SuppressMessage("Usage", "VSTHRD200:Use \"Async\" suffix for async methods", Justification = "The issue's name: asyncio has no map; MapAsync reads as the async counterpart of Select.")]
    public static IAsyncEnumerable<TResult> MapAsync<T, TResult>(
        IEnumerable<T> source,
        Func<T, CancellationToken, Task<TResult>> func,
        int maxConcurrency,
        bool ordered = true,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        return MapAsync(source.ToAsyncEnumerable(), func, maxConcurrency, ordered, cancellationToken);
    }

    private static async IAsyncEnumerable<TResult> MapCoreAsync<T, TResult>(
        IAsyncEnumerable<T> source,
        Func<T, CancellationToken, Task<TResult>> func,
        int maxConcurrency,
        bool ordered,
        CancellationToken cancellationToken,
        [EnumeratorCancellation] CancellationToken enumeratorCancellation = default)
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, enumeratorCancellation);
        CancellationToken token = both.Token;
        var run = new MapRun<TResult>(EventLoop.CurrentFor("AsyncIO.MapAsync"));
        // await using: a registration whose callback is running on another thread is waited for, without blocking the loop.
        await using ConfiguredAsyncDisposable onCancel = token.UnsafeRegister(static s => ((MapRun<TResult>)s!).CancelAll(), run)
            .ConfigureAwait(LoopAware.OnLoop);
        Dictionary<int, TResult>? waiting = ordered ? [] : null;
        int started = 0;
        int yielded = 0;
        bool more = true;
        IAsyncEnumerator<T> items = source.GetAsyncEnumerator(token);
        try
        {
            while (true)
            {
                while (more && started - yielded < maxConcurrency)
                {
                    more = await items.MoveNextAsync().ConfigureAwait(LoopAware.OnLoop);
                    if (more)
                    {
                        T item = items.Current;
                        run.Start(started++, ct => func(item, ct));
                    }
                }

                if (started == yielded)
                {
                    break;
                }

                await run.WaitAnyAsync().ConfigureAwait(LoopAware.OnLoop);
                while (run.TryDequeue(out (int Index, Task<TResult> Child) finished))
                {
                    if (!finished.Child.IsCompletedSuccessfully)
                    {
                        token.ThrowIfCancellationRequested();
                        await finished.Child.ConfigureAwait(LoopAware.OnLoop); // throws the child's own exception
                    }

                    TResult result = await finished.Child.ConfigureAwait(LoopAware.OnLoop); // complete: at once
                    if (waiting is null)
                    {
                        yielded++;
                        yield return result;
                        continue;
                    }

                    waiting.Add(finished.Index, result);
                    while (waiting.Remove(yielded, out TResult? next))
                    {
                        yielded++;
                        yield return next;
                    }
                }
            }
        }
        finally
        {
            run.CancelAll();
            await run.CloseAsync().ConfigureAwait(LoopAware.OnLoop);
            await items.DisposeAsync().ConfigureAwait(LoopAware.OnLoop);
        }
    }
}
