using System.Runtime.ExceptionServices;

namespace AsyncNotes;

// The ready queue and the run loop. Every field here is guarded by _gate; the loop thread waits on _gate (Monitor.Wait)
// when it is idle, and every Post, timer change and tracked completion pulses it.
public sealed partial class EventLoop
{
    private readonly object _gate = new();
    private readonly Queue<ReadyItem> _ready = new();
    private readonly List<TaskCompletionSource> _idleWaiters = [];
    private int _trackedInFlight;
    private bool _closed;
    private ExceptionDispatchInfo? _fatal;
    private volatile bool _isBlockedOnTrackedWork;

    /// <summary>Whether the loop thread is idle, waiting for tracked work to post back (for tests of tracking).</summary>
    internal bool IsBlockedOnTrackedWork
    {
        get => _isBlockedOnTrackedWork;
        private set => _isBlockedOnTrackedWork = value;
    }

    private readonly record struct ReadyItem(SendOrPostCallback Callback, object? State);

    /// <summary>Queues a callback to run on the loop (asyncio's <c>call_soon_threadsafe</c>). Safe from any thread.</summary>
    /// <remarks>
    /// After the loop has closed the callback is discarded, as asyncio's closed loop runs nothing more: running it on the
    /// thread pool instead would let code of a finished run race the code after <c>AsyncIO.Run</c>.
    /// </remarks>
    internal void Post(SendOrPostCallback callback, object? state) => _ = TryPost(callback, state);

    /// <summary>As <see cref="Post"/>, and says whether the callback was queued (false once the loop has closed).</summary>
    internal bool TryPost(SendOrPostCallback callback, object? state)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }

            _ready.Enqueue(new ReadyItem(callback, state));
            Monitor.PulseAll(_gate);
            return true;
        }
    }

    /// <summary>Wakes the loop thread if it is waiting, so that it re-checks its stop condition.</summary>
    private void Wake()
    {
        lock (_gate)
        {
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Runs ready callbacks and fires timers until <paramref name="isDone"/> holds or a fatal exception stops the loop.</summary>
    private void RunUntil(Func<bool> isDone)
    {
        while (true)
        {
            int batch;
            List<TaskCompletionSource>? idle = null;
            lock (_gate)
            {
                // Checked under the lock: anything that makes isDone true off the loop thread wakes us under the same
                // lock, so the wake cannot slip in between this check and the wait below.
                if (_fatal is not null || isDone())
                {
                    return;
                }

                MoveDueTimersToReady();
                if (_ready.Count == 0)
                {
                    if (_idleWaiters.Count > 0)
                    {
                        idle = [.. _idleWaiters];
                        _idleWaiters.Clear();
                    }
                    else
                    {
                        WaitForWork();
                        continue;
                    }
                }

                batch = _ready.Count;
            }

            if (idle is not null)
            {
                // Each waiter is completed by a callback of its own, so its continuation runs in a FIFO slot on the loop.
                foreach (TaskCompletionSource waiter in idle)
                {
                    Post(static w => ((TaskCompletionSource)w!).TrySetResult(), waiter);
                }

                continue;
            }

            // As asyncio's _run_once: run the callbacks that were ready at the start of this turn; callbacks they schedule
            // wait for the next turn, so due timers are not starved by a task that keeps yielding.
            for (int i = 0; i < batch; i++)
            {
                ReadyItem item;
                lock (_gate)
                {
                    if (_fatal is not null)
                    {
                        return;
                    }

                    item = _ready.Dequeue();
                }

                if (Options.SlowCallbackDuration is { } threshold)
                {
                    RunTimedCallback(item, threshold);
                }
                else
                {
                    RunCallback(item);
                }
            }
        }
    }

    private void RunCallback(ReadyItem item)
    {
        try
        {
            item.Callback(item.State);
        }
        catch (Exception ex)
        {
            // An exception escaping a posted callback (an async void method, a throwing timer callback) has no awaiter.
            ReportException(new EventLoopExceptionContext("Unhandled exception in a callback on the event loop.", ex));
        }
    }

    /// <summary>Hands an exception with no awaiter to the exception handler, or, without one, stops the loop with it.</summary>
    internal void ReportException(EventLoopExceptionContext context)
    {
        Action<EventLoopExceptionContext>? handler = Options.ExceptionHandler;
        if (handler is not null)
        {
            try
            {
                handler(context);
                return;
            }
            catch (Exception handlerFailure)
            {
                SetFatal(handlerFailure);
                return;
            }
        }

        SetFatal(context.Exception);
    }

    private void SetFatal(Exception exception)
    {
        lock (_gate)
        {
            _fatal ??= ExceptionDispatchInfo.Capture(exception);
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Called under _gate with nothing ready: block, move the virtual clock, or declare a deadlock.</summary>
    private void WaitForWork()
    {
        if (!IsVirtualTime)
        {
            long next = NextDueTicks();
            if (next == long.MaxValue)
            {
                Monitor.Wait(_gate);
            }
            else
            {
                long remaining = next - NowTicks;
                if (remaining > 0)
                {
                    Monitor.Wait(_gate, TimeSpan.FromTicks(Math.Min(remaining, TimeSpan.TicksPerMillisecond * int.MaxValue)));
                }
            }

            return;
        }

        if (_trackedInFlight > 0)
        {
            // Work the loop started on another thread will post its completion back; the clock must not move before.
            IsBlockedOnTrackedWork = true;
            Monitor.Wait(_gate);
            IsBlockedOnTrackedWork = false;
            return;
        }

        TimeSpan grace = Options.AutoJumpThreshold;
        if (grace > TimeSpan.Zero)
        {
            Monitor.Wait(_gate, grace);
            if (_ready.Count > 0 || _trackedInFlight > 0 || _idleWaiters.Count > 0)
            {
                return;
            }
        }

        long due = NextDueTicks();
        if (due != long.MaxValue)
        {
            AdvanceVirtualClockTo(due);
            return;
        }

        throw CreateDeadlockException();
    }

    private Task AddIdleWaiterAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        // Not RunContinuationsAsynchronously: the waiter is completed by a callback posted to the loop, so continuations
        // (await's and Task.WhenAll's alike) run there, where the loop can see them.
        var waiter = new TaskCompletionSource();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            _idleWaiters.Add(waiter);
            Monitor.PulseAll(_gate);
        }

        if (cancellationToken.CanBeCanceled)
        {
            CancellationTokenRegistration registration = cancellationToken.Register(() =>
            {
                lock (_gate)
                {
                    _idleWaiters.Remove(waiter);
                }

                Post(_ => waiter.TrySetCanceled(cancellationToken), null);
            });
            _ = waiter.Task.ContinueWith(
                static (_, r) => ((CancellationTokenRegistration)r!).Dispose(),
                registration,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

        return waiter.Task;
    }

    /// <summary>Starts work on the thread pool that the loop tracks: virtual time waits for it.</summary>
    internal Task<T> RunTrackedAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            _trackedInFlight++;
        }

        // Completed inside a callback on the loop (below), so its continuations run on the loop thread.
        var result = new TaskCompletionSource<T>();
        Task<T> offLoop = Task.Run(work, cancellationToken);

        // The in-flight count drops on the loop thread, in the same callback that completes the result. Dropping it on the
        // worker thread instead would open a window in which the loop sees nothing in flight and nothing ready, and
        // jumps the clock before the completion arrives.
        _ = offLoop.ContinueWith(
            (completed, _) => Post(
                _ =>
                {
                    lock (_gate)
                    {
                        _trackedInFlight--;
                    }

                    result.TrySetFromTask(completed);
                },
                null),
            null,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return result.Task;
    }

    private void Close()
    {
        TaskCompletionSource[] idle;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            // Like asyncio's loop.close(): callbacks still queued are discarded. The tasks they belonged to were not
            // known to the loop (known ones were cancelled and awaited before this), stay pending, and are collected.
            _closed = true;
            _ready.Clear();
            idle = [.. _idleWaiters];
            _idleWaiters.Clear();
            ClearTimers();
        }

        foreach (TaskCompletionSource waiter in idle)
        {
            waiter.TrySetException(new ObjectDisposedException(nameof(EventLoop), "The event loop closed before it was idle again."));
        }
    }
}
