using System.Diagnostics.CodeAnalysis;

namespace AsyncNotes;

/// <summary>A pool of at most <see cref="MaxWorkers"/> threads that run submitted blocking work in the order it was
/// submitted: Python's <c>concurrent.futures.ThreadPoolExecutor</c>.</summary>
/// <remarks>
/// <para>Maps <c>concurrent.futures.ThreadPoolExecutor</c>, used from asyncio through <c>loop.run_in_executor</c>. The Python
/// lines it replaces:</para>
/// <code>
/// with ThreadPoolExecutor(max_workers=2) as pool:
///     rows = await loop.run_in_executor(pool, blocking_query, sql)
/// </code>
/// <para>In C#:</para>
/// <code>
/// await using var pool = new ThreadPoolExecutor(maxWorkers: 2);
/// Rows rows = await AsyncIO.RunInExecutorAsync(pool, () => BlockingQuery(sql), ct);
/// </code>
/// <para>The rules:</para>
/// <list type="bullet">
///   <item>Never more than <see cref="MaxWorkers"/> submitted functions run at once; the rest wait in a queue and start first
///   submitted, first started. Each worker is a thread of its own (not one of the .NET thread pool's, which blocking work
///   would starve), started when a submit finds no idle worker, and kept until the executor is shut down, as CPython's are
///   (background threads: they do not keep the process alive).</item>
///   <item><see cref="Submit{T}(Func{T}, CancellationToken)"/> returns a task for the result; the function's exception
///   reaches the awaiter unchanged, but for an <see cref="OperationCanceledException"/> for the submit token once it is
///   cancelled, which cancels the task (awaiting it throws a new <see cref="TaskCanceledException"/>). Its token cancels the work only while it waits in the queue (a thread cannot be
///   interrupted, in Python or .NET); pass the token into the function to stop it cooperatively.</item>
///   <item>Submitted on an <see cref="EventLoop"/>, the work is tracked from submission until its result is delivered back
///   on the loop: a virtual clock does not jump, and no deadlock is declared, while it waits or runs.</item>
///   <item><see cref="Shutdown(bool)"/> refuses new work (<see cref="InvalidOperationException"/>, Python's
///   <c>RuntimeError</c>); queued work still runs, unless <c>cancelFutures</c> cancels it. <see cref="ShutdownAsync"/>
///   also waits until every accepted function has finished: <c>shutdown(wait=True)</c> without blocking a thread. On a loop,
///   it resumes after the results of the functions submitted there have been delivered, and a virtual clock waits for it.
///   <see cref="DisposeAsync"/> is <c>ShutdownAsync()</c>, the end of Python's <c>with</c> block.</item>
///   <item>Every member may be called from any thread.</item>
/// </list>
/// <para>Against the BCL: <see cref="Task.Run{TResult}(Func{TResult})"/> has no limit of its own, and a
/// <c>SemaphoreSlim</c> in front of it holds a thread-pool thread per waiting item if written with <c>Wait()</c>. A
/// <see cref="ConcurrentExclusiveSchedulerPair"/> with a maximum concurrency level is the closest BCL type; it has no
/// shutdown that cancels queued work and is not tracked by a loop. There is no <c>ProcessPoolExecutor</c>: .NET has no GIL,
/// so CPU-bound work already runs in parallel on threads (sample 08 measures it).</para>
/// </remarks>
public sealed class ThreadPoolExecutor : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly Queue<WorkItem> _queue = new();
    private readonly TaskCompletionSource<bool> _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _work = new(0);  // one release per queued item, and one per worker at shutdown
    private int _workers;
    private int _idle; // raised by a worker that finished an item, taken by a submit: CPython's _idle_semaphore
    private bool _shutdown;

    /// <summary>Creates an executor that runs at most <paramref name="maxWorkers"/> functions at once.</summary>
    /// <param name="maxWorkers">The most functions running at once (Python's <c>max_workers</c>); 1 or more.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxWorkers"/> is less than 1.</exception>
    public ThreadPoolExecutor(int maxWorkers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWorkers, 1);
        MaxWorkers = maxWorkers;
    }

    /// <summary>The most functions that run at once.</summary>
    public int MaxWorkers { get; }

    /// <summary>How many submitted functions wait in the queue for a worker (a snapshot).</summary>
    public int QueuedCount
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count(item => !item.IsDone);
            }
        }
    }

    /// <summary>Submits <paramref name="work"/>: Python's <c>executor.submit(fn)</c>.</summary>
    /// <typeparam name="T">The result.</typeparam>
    /// <param name="work">The blocking function; run once, on a worker thread.</param>
    /// <param name="cancellationToken">Cancels the work while it waits in the queue; ignored once it runs.</param>
    /// <returns>A task for the function's result: its exception unchanged, or cancelled if the token or a
    /// <c>Shutdown(cancelFutures: true)</c> took it out of the queue. On a loop, completed on the loop.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="work"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The executor has been shut down.</exception>
    [SuppressMessage("Usage", "VSTHRD200:Use \"Async\" suffix for async methods", Justification = "Python's name; like Task.Run, it starts work and returns its task.")]
    public Task<T> Submit<T>(Func<T> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (cancellationToken.IsCancellationRequested)
        {
            ThrowIfShutdown();
            return Task.FromCanceled<T>(cancellationToken);
        }

        EventLoop? loop = EventLoop.CurrentFor("ThreadPoolExecutor.Submit");
        var item = new WorkItem<T>(work, onLoop: loop is not null);
        item.WatchCancellation(cancellationToken); // before the item is queued: a worker may claim it at once
        bool startWorker;
        Task<T> result;
        lock (_gate)
        {
            if (_shutdown)
            {
                item.StopWatching();
                ThrowIfShutdown();
            }

            // On a loop, the delivery is attached before any worker can see the item, so that it runs inline when the item
            // completes (ahead of a shutdown's signal), not from a thread-pool queue.
            result = loop is null ? item.Task : loop.TrackAsync(item.Task);
            _queue.Enqueue(item);
        }

        _ = _work.Release();

        // As CPython's _adjust_thread_count: an idle worker takes the item; else a new worker starts, up to MaxWorkers.
        if (TryTakeIdleWorker())
        {
            return result;
        }

        lock (_gate)
        {
            startWorker = _workers < MaxWorkers;
            if (startWorker)
            {
                _workers++;
            }
        }

        if (startWorker)
        {
            // A thread of its own, as CPython's workers are: blocking work must not hold the .NET thread pool's threads,
            // which the loop's deliveries and everyone else's continuations need (the pool adds threads only slowly).
            new Thread(static self => ((ThreadPoolExecutor)self!).Work())
            {
                IsBackground = true,
                Name = "ThreadPoolExecutor worker",
            }.UnsafeStart(this);
        }

        return result;
    }

    /// <inheritdoc cref="Submit{T}(Func{T}, CancellationToken)"/>
    [SuppressMessage("Usage", "VSTHRD200:Use \"Async\" suffix for async methods", Justification = "Python's name; like Task.Run, it starts work and returns its task.")]
    public Task Submit(Action work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        return Submit(WorkWithoutResult.ReturningTrue(work), cancellationToken);
    }

    /// <summary>Refuses new work from now on, without waiting: Python's <c>executor.shutdown(wait=False)</c>.</summary>
    /// <param name="cancelFutures">Cancel the work still waiting in the queue (Python's <c>cancel_futures</c>); otherwise it
    /// still runs. Work already running always finishes.</param>
    /// <remarks>Calling it again is allowed; <c>cancelFutures: true</c> then cancels what is queued at that moment.</remarks>
    public void Shutdown(bool cancelFutures = false)
    {
        List<WorkItem>? cancelled = null;
        int wake;
        lock (_gate)
        {
            _shutdown = true;
            if (cancelFutures)
            {
                cancelled = [.. _queue];
                _queue.Clear();
            }

            wake = _workers;
            SignalIfFinished();
        }

        if (wake > 0)
        {
            _ = _work.Release(wake); // every worker wakes, finishes what is queued, and ends
        }

        foreach (WorkItem item in cancelled ?? [])
        {
            item.Cancel();
        }
    }

    /// <summary>Refuses new work, and completes when every function accepted before has finished: Python's
    /// <c>executor.shutdown(wait=True)</c>, awaited instead of blocking.</summary>
    /// <param name="cancelFutures">As in <see cref="Shutdown(bool)"/>.</param>
    /// <param name="cancellationToken">Stops the wait (not the shutdown, nor the work).</param>
    /// <returns>A task that completes once no function of this executor runs or waits.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before the work finished.</exception>
    public Task ShutdownAsync(bool cancelFutures = false, CancellationToken cancellationToken = default)
    {
        Shutdown(cancelFutures);
        Task<bool> finished = _finished.Task.WaitAsync(cancellationToken);
        return EventLoop.Current is { } loop ? loop.TrackAsync(finished) : finished;
    }

    /// <summary>Shuts the executor down and waits for its work: <c>ShutdownAsync()</c>, the end of Python's
    /// <c>with ThreadPoolExecutor() as pool:</c>.</summary>
    /// <returns>A task that completes once every accepted function has finished.</returns>
    public ValueTask DisposeAsync() => new(ShutdownAsync());

    private void ThrowIfShutdown()
    {
        if (Volatile.Read(ref _shutdown))
        {
            throw new InvalidOperationException("cannot schedule new work after the ThreadPoolExecutor was shut down");
        }
    }

    // One worker, a thread of its own: runs queued items, first in first out, waiting for more when the queue is empty, until
    // the executor is shut down and nothing is left (CPython's workers live until shutdown too).
    private void Work()
    {
        while (true)
        {
            _work.Wait();
            WorkItem? next = null;
            lock (_gate)
            {
                while (_queue.TryDequeue(out WorkItem? item))
                {
                    if (item.TryStart())
                    {
                        next = item;
                        break;
                    }
                }

                if (next is null)
                {
                    if (!_shutdown)
                    {
                        continue; // the signal of an item cancelled meanwhile
                    }

                    _workers--;
                    SignalIfFinished();
                    return;
                }
            }

            next.Run();
            _ = Interlocked.Increment(ref _idle);
        }
    }

    private bool TryTakeIdleWorker()
    {
        int idle;
        while ((idle = Volatile.Read(ref _idle)) > 0)
        {
            if (Interlocked.CompareExchange(ref _idle, idle - 1, idle) == idle)
            {
                return true;
            }
        }

        return false;
    }

    // Under _gate.
    private void SignalIfFinished()
    {
        if (_shutdown && _workers == 0 && _queue.Count == 0)
        {
            _ = _finished.TrySetResult(true);
        }
    }

    private abstract class WorkItem
    {
        private const int Queued = 0;
        private const int Started = 1;
        private const int Cancelled = 2;
        private int _state;

        public bool IsDone => Volatile.Read(ref _state) != Queued;

        /// <summary>Claims the item for a worker; false if it was cancelled first.</summary>
        public bool TryStart() => Interlocked.CompareExchange(ref _state, Started, Queued) == Queued;

        /// <summary>Cancels the item if no worker has claimed it.</summary>
        public void Cancel()
        {
            if (Interlocked.CompareExchange(ref _state, Cancelled, Queued) == Queued)
            {
                OnCancelled();
            }
        }

        public abstract void Run();

        protected abstract void OnCancelled();
    }

    private sealed class WorkItem<T>(Func<T> work, bool onLoop) : WorkItem
    {
        // The caller's ExecutionContext (AsyncLocal values, the loop's flow), as Task.Run would carry it.
        private readonly ExecutionContext? _context = ExecutionContext.Capture();

        // Off a loop, whoever awaits the task continues on the thread pool, never on a worker. On a loop only the loop's
        // delivery awaits it, and it runs inline on the worker: it posts the result to the loop before the worker can signal
        // the end of a shutdown, so `await ShutdownAsync()` resumes after every result it waited for has been delivered.
        private readonly TaskCompletionSource<T> _result = new(onLoop ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously);
        private CancellationToken _token;
        private CancellationTokenRegistration _registration;

        public Task<T> Task => _result.Task;

        public void WatchCancellation(CancellationToken token)
        {
            if (token.CanBeCanceled)
            {
                _token = token;
                _registration = token.UnsafeRegister(static s => ((WorkItem)s!).Cancel(), this);
            }
        }

        public void StopWatching() => _registration.Dispose();

        public override void Run()
        {
            _registration.Dispose(); // started: the token no longer applies (and its callback, if running, finds the item started)
            if (_context is null)
            {
                Invoke();
            }
            else
            {
                ExecutionContext.Run(_context, static s => ((WorkItem<T>)s!).Invoke(), this);
            }
        }

        protected override void OnCancelled()
        {
            _registration.Dispose();
            _ = _token.IsCancellationRequested ? _result.TrySetCanceled(_token) : _result.TrySetCanceled();
        }

        private void Invoke()
        {
            try
            {
                _ = _result.TrySetResult(work());
            }
#pragma warning disable CA1031 // the function's exception is its task's outcome, delivered to whoever awaits it
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _ = ex is OperationCanceledException oce && oce.CancellationToken == _token && _token.IsCancellationRequested
                    ? _result.TrySetCanceled(_token)
                    : _result.TrySetException(ex);
            }
        }
    }
}
