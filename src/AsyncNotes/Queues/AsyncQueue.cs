using System.Diagnostics.CodeAnalysis;

namespace AsyncNotes;

/// <summary>A first-in, first-out queue for producers and consumers in async code, with asyncio's rules: an optional bound
/// that makes producers wait, <c>task_done</c>/<c>join</c> accounting, and shutdown.</summary>
/// <remarks>
/// <para>Maps asyncio's <c>Queue</c>. The Python lines it replaces:</para>
/// <code>
/// q = asyncio.Queue(maxsize=5)
/// await q.put(item)          # producer
/// item = await q.get()       # consumer
/// q.task_done()
/// await q.join()
/// </code>
/// <para>The rules (asyncio 3.13's):</para>
/// <list type="bullet">
///   <item><see cref="PutAsync"/> completes at once, without a turn, while there is room; when the queue is full it waits
///   until a get makes room. <see cref="GetAsync"/> completes at once while there is an item; otherwise it waits for one.
///   Waiters are woken in the order they began waiting, by scheduling, never inside the call that woke them.</item>
///   <item>A getter (or putter) cancelled while it waits takes nothing; one cancelled after a put (or get) woke it, before
///   it ran, leaves the item (or room) for the next waiter, which is woken instead: nothing is lost.</item>
///   <item><see cref="TryPut"/> and <see cref="TryGet"/> are the <c>_nowait</c> forms; they return false where asyncio
///   raises <c>QueueFull</c> and <c>QueueEmpty</c>.</item>
///   <item>Every put counts an unfinished task; <see cref="TaskDone"/> finishes one; <see cref="JoinAsync"/> waits until
///   none is unfinished (not until the queue is empty). One <see cref="TaskDone"/> too many throws
///   <see cref="InvalidOperationException"/>.</item>
///   <item><see cref="Shutdown"/> makes every later put, and every get on an empty queue, throw
///   <see cref="QueueShutDownException"/>; waiting getters and putters wake to do the same. With <c>immediate</c>, the
///   items left are dropped and counted as done.</item>
///   <item><c>await foreach</c> over <see cref="ReadAllAsync"/> gets items until the queue is shut down and empty. (The
///   queue itself is not an <see cref="IAsyncEnumerable{T}"/>: a method that returns a queue would then read, to the async
///   analyzers, as an asynchronous operation without the Async suffix.)</item>
/// </list>
/// <para>Against <see cref="System.Threading.Channels.Channel"/>: a bounded channel has the same backpressure, but no
/// <c>task_done</c>/<c>join</c>, no immediate shutdown, no LIFO or priority order, and no promise about the order of its
/// waiting readers; <c>Writer.Complete()</c> replaces the <c>None</c> sentinel as <see cref="Shutdown"/> does here.
/// Thread-safe, on a loop or off it.</para>
/// </remarks>
/// <typeparam name="T">The items' type.</typeparam>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "asyncio's names, fixed by the project's mapping: it is a queue.")]
public class AsyncQueue<T>
{
    private readonly object _gate = new();
    private readonly WaiterQueue<bool> _getters = new("AsyncQueue.GetAsync");
    private readonly WaiterQueue<bool> _putters = new("AsyncQueue.PutAsync");
    private readonly AsyncEvent _finished = new();
    private int _unfinished;
    private bool _isShutdown;

    /// <summary>Creates a queue that holds at most <paramref name="maxSize"/> items; 0 for no bound (asyncio's
    /// <c>maxsize=0</c>).</summary>
    /// <param name="maxSize">The bound; 0 for none.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxSize"/> is negative (asyncio would take it as no
    /// bound; here it is a mistake caught at the call).</exception>
    public AsyncQueue(int maxSize = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxSize);
        MaxSize = maxSize;
        _finished.Set();
    }

    /// <summary>The bound (asyncio's <c>maxsize</c>); 0 for none.</summary>
    public int MaxSize { get; }

    /// <summary>How many items the queue holds (asyncio's <c>qsize()</c>).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return StoreCount;
            }
        }
    }

    /// <summary>Whether the queue holds no item (asyncio's <c>empty()</c>).</summary>
    public bool IsEmpty => Count == 0;

    /// <summary>Whether a put would wait (asyncio's <c>full()</c>); never for an unbounded queue.</summary>
    public bool IsFull
    {
        get
        {
            lock (_gate)
            {
                return IsFullCore;
            }
        }
    }

    /// <summary>Whether <see cref="Shutdown"/> has been called.</summary>
    public bool IsShutDown
    {
        get
        {
            lock (_gate)
            {
                return _isShutdown;
            }
        }
    }

    /// <summary>How many items were put and not yet marked done with <see cref="TaskDone"/>.</summary>
    public int UnfinishedTasks
    {
        get
        {
            lock (_gate)
            {
                return _unfinished;
            }
        }
    }

    /// <summary>The number of items in the store; under the queue's lock.</summary>
    private protected virtual int StoreCount => Fifo.Count;

    private bool IsFullCore => MaxSize > 0 && StoreCount >= MaxSize;

    private Queue<T> Fifo { get; } = new();

    /// <summary>Puts an item, waiting for room while the queue is full: asyncio's <c>await q.put(item)</c>.</summary>
    /// <remarks>
    /// <para>Maps asyncio's <c>Queue.put</c>. The Python line it replaces:</para>
    /// <code>await q.put(item)</code>
    /// </remarks>
    /// <param name="item">The item.</param>
    /// <param name="cancellationToken">Cancels the wait for room; the item is then not put.</param>
    /// <returns>A task that completes once the item is in the queue.</returns>
    /// <exception cref="QueueShutDownException">The queue is shut down, or is shut down while this waits.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public Task PutAsync(T item, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        Task<bool> putter;
        lock (_gate)
        {
            if (_isShutdown)
            {
                return Task.FromException(new QueueShutDownException());
            }

            if (!IsFullCore)
            {
                PutNowait(item);
                return Task.CompletedTask;
            }

            putter = _putters.EnqueueAsync(cancellationToken: cancellationToken);
        }

        return PutWhenRoomAsync(item, putter, cancellationToken);
    }

    /// <summary>Puts an item if there is room: asyncio's <c>q.put_nowait(item)</c>, with false for <c>QueueFull</c>.</summary>
    /// <remarks>
    /// <para>Maps asyncio's <c>Queue.put_nowait</c>. The Python line it replaces:</para>
    /// <code>q.put_nowait(item)</code>
    /// </remarks>
    /// <param name="item">The item.</param>
    /// <returns>Whether the item was put (false: the queue is full).</returns>
    /// <exception cref="QueueShutDownException">The queue is shut down.</exception>
    public bool TryPut(T item)
    {
        lock (_gate)
        {
            if (_isShutdown)
            {
                throw new QueueShutDownException();
            }

            if (IsFullCore)
            {
                return false;
            }

            PutNowait(item);
            return true;
        }
    }

    /// <summary>Gets the next item, waiting for one while the queue is empty: asyncio's <c>await q.get()</c>.</summary>
    /// <remarks>
    /// <para>Maps asyncio's <c>Queue.get</c>. The Python line it replaces:</para>
    /// <code>item = await q.get()</code>
    /// </remarks>
    /// <param name="cancellationToken">Cancels the wait; nothing is taken then.</param>
    /// <returns>The item.</returns>
    /// <exception cref="QueueShutDownException">The queue is shut down and empty.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public Task<T> GetAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        Task<bool> getter;
        lock (_gate)
        {
            if (StoreCount > 0)
            {
                return Task.FromResult(GetNowait());
            }

            if (_isShutdown)
            {
                return Task.FromException<T>(new QueueShutDownException());
            }

            getter = _getters.EnqueueAsync(cancellationToken: cancellationToken);
        }

        return GetWhenItemAsync(getter, cancellationToken);
    }

    /// <summary>Gets the next item if there is one: asyncio's <c>q.get_nowait()</c>, with false for <c>QueueEmpty</c>.</summary>
    /// <remarks>
    /// <para>Maps asyncio's <c>Queue.get_nowait</c>. The Python line it replaces:</para>
    /// <code>item = q.get_nowait()</code>
    /// </remarks>
    /// <param name="item">The item, when there was one.</param>
    /// <returns>Whether an item was taken.</returns>
    /// <exception cref="QueueShutDownException">The queue is shut down and empty.</exception>
    public bool TryGet([MaybeNullWhen(false)] out T item)
    {
        lock (_gate)
        {
            if (StoreCount == 0)
            {
                item = default;
                return _isShutdown ? throw new QueueShutDownException() : false;
            }

            item = GetNowait();
            return true;
        }
    }

    /// <summary>Marks one item that was got as processed: asyncio's <c>q.task_done()</c>.</summary>
    /// <remarks>
    /// <para>Maps asyncio's <c>Queue.task_done</c>. The Python line it replaces:</para>
    /// <code>q.task_done()</code>
    /// </remarks>
    /// <exception cref="InvalidOperationException">Called more times than items were put (asyncio's <c>ValueError</c>).</exception>
    public void TaskDone()
    {
        lock (_gate)
        {
            if (_unfinished <= 0)
            {
                throw new InvalidOperationException("task_done() called too many times");
            }

            if (--_unfinished == 0)
            {
                _finished.Set();
            }
        }
    }

    /// <summary>Waits until every item put has been marked done: asyncio's <c>await q.join()</c>.</summary>
    /// <remarks>
    /// <para>Maps asyncio's <c>Queue.join</c>. The Python line it replaces:</para>
    /// <code>await q.join()</code>
    /// <para>With nothing unfinished it completes at once, without a turn. It waits for <see cref="TaskDone"/> calls, not for
    /// the queue to be empty.</para>
    /// </remarks>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when no item is unfinished.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public Task JoinAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return _unfinished > 0 ? _finished.WaitAsync(cancellationToken) : Task.CompletedTask;
        }
    }

    /// <summary>Shuts the queue down: asyncio's <c>q.shutdown(immediate)</c> (Python 3.13).</summary>
    /// <remarks>
    /// <para>Maps asyncio's <c>Queue.shutdown</c>. The Python line it replaces:</para>
    /// <code>q.shutdown(immediate=False)</code>
    /// <list type="bullet">
    ///   <item>Later puts throw <see cref="QueueShutDownException"/>; gets go on until the queue is empty, then throw it.</item>
    ///   <item>With <paramref name="immediate"/>, the items left are dropped, each counted as done for <see cref="JoinAsync"/>.</item>
    ///   <item>Every waiting getter and putter wakes and re-checks (so they throw, unless items remain for the getters).</item>
    /// </list>
    /// </remarks>
    /// <param name="immediate">Drop the items left.</param>
    public void Shutdown(bool immediate = false)
    {
        lock (_gate)
        {
            _isShutdown = true;
            if (immediate)
            {
                while (StoreCount > 0)
                {
                    _ = Take();
                    if (_unfinished > 0)
                    {
                        _unfinished--;
                    }
                }

                if (_unfinished == 0)
                {
                    _finished.Set();
                }
            }

            _getters.WakeAll(true);
            _putters.WakeAll(true);
        }
    }

    /// <summary>Gets items until the queue is shut down and empty: the C# replacement for a <c>None</c> sentinel.</summary>
    /// <remarks>
    /// <para>Maps the consumer loop of asyncio's producer/consumer pattern. The Python lines it replaces:</para>
    /// <code>
    /// while (item := await q.get()) is not None:
    ///     process(item)
    ///     q.task_done()
    /// </code>
    /// <para>In C#: <c>await foreach (var item in q.ReadAllAsync(ct)) { Process(item); q.TaskDone(); }</c>. The enumeration
    /// ends when <see cref="Shutdown"/> has been called and the queue is empty; it does not call <see cref="TaskDone"/>
    /// for you. Like <c>ChannelReader.ReadAllAsync</c>, but the end is a shutdown rather than <c>Writer.Complete()</c>.</para>
    /// </remarks>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The items, in the queue's order.</returns>
    public IAsyncEnumerable<T> ReadAllAsync(CancellationToken cancellationToken = default) => ReadAllCoreAsync(cancellationToken);

    private async IAsyncEnumerable<T> ReadAllCoreAsync(CancellationToken cancellationToken, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken enumeratorCancellation = default)
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, enumeratorCancellation);
        cancellationToken = both.Token;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            T item;
            try
            {
                // An item already there is taken without a task (TryGet); else GetAsync waits for one.
                if (!TryGet(out item!))
                {
                    item = await GetAsync(cancellationToken).ConfigureAwait(LoopAware.OnLoop);
                }
            }
            catch (QueueShutDownException)
            {
                yield break;
            }

            yield return item;
        }
    }

    /// <summary>Adds to the store (asyncio's <c>_put</c>); under the queue's lock.</summary>
    /// <param name="item">The item.</param>
    private protected virtual void Store(T item) => Fifo.Enqueue(item);

    /// <summary>Takes the next item from the store (asyncio's <c>_get</c>); under the queue's lock, never empty.</summary>
    /// <returns>The item.</returns>
    private protected virtual T Take() => Fifo.Dequeue();

    private void PutNowait(T item)
    {
        Store(item);
        if (_unfinished++ == 0)
        {
            _finished.Clear(); // set only while nothing is unfinished
        }

        if (_getters.Count > 0)
        {
            _getters.TryWakeOne(true);
        }
    }

    private T GetNowait()
    {
        T item = Take();
        if (_putters.Count > 0)
        {
            _putters.TryWakeOne(true); // Count is exact here: waiters queue only under this queue's lock
        }

        return item;
    }

    private async Task PutWhenRoomAsync(T item, Task<bool> putter, CancellationToken cancellationToken)
    {
        while (true)
        {
            await ((Task)putter).ConfigureAwait(LoopAware.OnLoopWithoutThrowing);
            lock (_gate)
            {
                if (putter.IsCanceled || cancellationToken.IsCancellationRequested)
                {
                    if (!putter.IsCanceled && !IsFullCore)
                    {
                        _putters.TryWakeOne(true); // woken, but cancelled before it ran: the room goes to the next putter
                    }

                    throw new OperationCanceledException(cancellationToken);
                }

                if (_isShutdown)
                {
                    throw new QueueShutDownException();
                }

                if (!IsFullCore)
                {
                    PutNowait(item);
                    return;
                }

                putter = _putters.EnqueueAsync(cancellationToken: cancellationToken); // someone took the room first: wait again
            }
        }
    }

    private async Task<T> GetWhenItemAsync(Task<bool> getter, CancellationToken cancellationToken)
    {
        while (true)
        {
            await ((Task)getter).ConfigureAwait(LoopAware.OnLoopWithoutThrowing);
            lock (_gate)
            {
                if (getter.IsCanceled || cancellationToken.IsCancellationRequested)
                {
                    if (!getter.IsCanceled && StoreCount > 0)
                    {
                        _getters.TryWakeOne(true); // woken, but cancelled before it ran: the item goes to the next getter
                    }

                    throw new OperationCanceledException(cancellationToken);
                }

                if (StoreCount > 0)
                {
                    return GetNowait();
                }

                if (_isShutdown)
                {
                    throw new QueueShutDownException();
                }

                getter = _getters.EnqueueAsync(cancellationToken: cancellationToken); // someone took the item first: wait again
            }
        }
    }
}
