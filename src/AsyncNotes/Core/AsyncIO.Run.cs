namespace AsyncNotes;

public static partial class AsyncIO
{
    /// <summary>Runs <paramref name="main"/> to completion on a new single-threaded <see cref="EventLoop"/> on the calling thread.</summary>
    /// <remarks>
    /// <para>Maps <c>asyncio.run</c>. The Python line it replaces:</para>
    /// <code>asyncio.run(main())</code>
    /// <para>Differs from <c>static async Task Main</c>, where continuations run on the thread pool:</para>
    /// <list type="bullet">
    ///   <item>Every continuation of <paramref name="main"/> (and of what it awaits with the context captured) runs on one thread,
    ///   first in, first out, so ordering is deterministic.</item>
    ///   <item>The loop has a clock, <see cref="EventLoop.Time"/>; with <see cref="EventLoopOptions.VirtualTime"/> it is virtual.</item>
    /// </list>
    /// <para>Rules:</para>
    /// <list type="bullet">
    ///   <item><paramref name="main"/> starts at the loop's first turn, not inside this call.</item>
    ///   <item>The original exception of <paramref name="main"/> is thrown, not an <see cref="AggregateException"/>;
    ///   if <paramref name="main"/> is cancelled, its <see cref="OperationCanceledException"/> is thrown.</item>
    ///   <item>Tasks the loop knows of (started with <see cref="CreateTask{T}(Func{CancellationToken, Task{T}}, string?, CancellationToken)"/>)
    ///   that are still pending when <paramref name="main"/> ends are cancelled and awaited before this returns, as in <c>asyncio.run</c>.
    ///   One that fails while being cancelled is reported to <see cref="EventLoopOptions.ExceptionHandler"/>, or without one, thrown.</item>
    ///   <item>An exception that no awaiter can receive (an <c>async void</c> method) goes to <see cref="EventLoopOptions.ExceptionHandler"/>;
    ///   without one it stops the loop and is thrown from here.</item>
    ///   <item>On a virtual loop that can make no more progress, an <see cref="EventLoopDeadlockException"/> is thrown instead of hanging.</item>
    ///   <item>Calling it from code already running on a loop throws <see cref="InvalidOperationException"/>: await instead.</item>
    /// </list>
    /// </remarks>
    /// <example><code>int answer = AsyncIO.Run(async () => { await AsyncIO.SleepAsync(TimeSpan.FromSeconds(1)); return 42; });</code></example>
    /// <typeparam name="T">The type of <paramref name="main"/>'s result.</typeparam>
    /// <param name="main">The entry point: an async method or lambda.</param>
    /// <param name="options">The loop's options; <see cref="EventLoopOptions.Default"/> (real time) when <see langword="null"/>.</param>
    /// <returns>The result of <paramref name="main"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="main"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">Called from code already running on an event loop.</exception>
    /// <exception cref="EventLoopDeadlockException">On a virtual loop, every task waits and nothing can wake them.</exception>
    /// <seealso href="https://docs.python.org/3/library/asyncio-runner.html#asyncio.run">asyncio.run</seealso>
    public static T Run<T>(Func<Task<T>> main, EventLoopOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(main);
        ThrowIfOnLoop();
        using var loop = new EventLoop(options ?? EventLoopOptions.Default);
        return loop.RunMain(main);
    }

    /// <inheritdoc cref="Run{T}(Func{Task{T}}, EventLoopOptions?)" path="/summary|/remarks|/exception|/seealso"/>
    /// <example><code>AsyncIO.Run(async () => { await AsyncIO.SleepAsync(TimeSpan.FromSeconds(1)); Console.WriteLine("done"); });</code></example>
    /// <param name="main">The entry point: an async method or lambda.</param>
    /// <param name="options">The loop's options; <see cref="EventLoopOptions.Default"/> (real time) when <see langword="null"/>.</param>
    public static void Run(Func<Task> main, EventLoopOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(main);
        ThrowIfOnLoop();
        using var loop = new EventLoop(options ?? EventLoopOptions.Default);
        _ = loop.RunMain(async () =>
        {
            // ConfigureAwait(LoopAware.OnLoop): main's code belongs to the loop.
            await main().ConfigureAwait(LoopAware.OnLoop);
            return true;
        });
    }

    private static void ThrowIfOnLoop()
    {
        if (EventLoop.CurrentOnThisThread is not null)
        {
            throw new InvalidOperationException(
                "AsyncIO.Run cannot be called from code that is already running on an event loop: it would block the loop's " +
                "only thread until the inner run finished. Await the async method instead (the first of asyncio's common " +
                "mistakes: asyncio.run() inside an async function).");
        }
    }
}
