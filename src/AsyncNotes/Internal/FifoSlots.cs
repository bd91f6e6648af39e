namespace AsyncNotes;

/// <summary>A fixed number of slots handed out first come, first served: asyncio's <c>Semaphore</c> core, on
/// <see cref="WaiterQueue{T}"/>.</summary>
/// <remarks>
/// <list type="bullet">
///   <item>A slot is taken at once only while nobody waits for one; otherwise the caller queues at the back (no barging).</item>
///   <item><see cref="Release"/> hands the slot straight to the first waiter still pending, so a free slot and a waiter never
///   exist together.</item>
///   <item>A waiter cancelled before it was handed a slot leaves the queue and takes nothing. One that was handed a slot owns
///   it, and must release it even if it then gives up.</item>
/// </list>
/// </remarks>
internal sealed class FifoSlots
{
    private readonly object _gate = new();
    private readonly WaiterQueue<bool> _waiters = new();
    private int _free;

    public FifoSlots(int count) => _free = count;

    /// <summary>Takes a slot, waiting in line for one when none is free or others already wait.</summary>
    /// <returns>Completes when the caller owns a slot; cancelled (owning nothing) when <paramref name="cancellationToken"/> is.</returns>
    public Task WaitAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_free > 0)
            {
                _free--;
                return Task.CompletedTask;
            }

            return _waiters.EnqueueAsync(cancellationToken: cancellationToken);
        }
    }

    /// <summary>Gives a slot back: to the first waiter still pending, else to the pool of free slots.</summary>
    public void Release()
    {
        lock (_gate)
        {
            if (!_waiters.TryWakeOne(true))
            {
                _free++;
            }
        }
    }
}
