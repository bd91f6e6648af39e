using System.Numerics;

namespace AsyncNotes;

/// <summary>A done-callback over a block of up to <see cref="MaxTasks"/> tasks of an owner's array that runs where each task
/// completes, inline on the completing thread, with no task, delegate or execution context of its own: the cheapest watch of
/// many tasks that the BCL's public API allows, for an owner that watches many tasks and schedules only what it decides
/// (gather's hot children).</summary>
/// <remarks>
/// <list type="bullet">
///   <item>How: <see cref="Watch"/> makes this object the current <see cref="SynchronizationContext"/> while it calls
///   <c>UnsafeOnCompleted</c> on each pending task's awaiter. The runtime keeps it in the task's continuation record and, when the
///   task completes, calls <see cref="Post"/> on the completing thread (it never runs the continuation inline there: this
///   context is not current on that thread).</item>
///   <item>What <see cref="Post"/> is told: only that one of the block's tasks completed, not which (the record holds this
///   object and one shared delegate). So each <see cref="Post"/> records every task of the block that is complete and not
///   yet recorded, in input order (one compare-and-swap on a bit mask claims them): the task that posted is complete, so it
///   is recorded exactly once, and at the latest inside its own <see cref="Post"/>, whoever else completes around it. A
///   post may record more than its own task: one whose own post has not run yet (a task completed from a continuation
///   registered ahead of this watch on another task, before that task's post; or on another thread, between a task's
///   completion and its post), and it may then find nothing left to record. A task that is complete already when watched is
///   recorded on the watching thread before <see cref="Watch"/> returns.</item>
///   <item>Cost: one small object per block and the runtime's continuation record per task. One object per task would cost
///   twice as many bytes, all as long-lived as the tasks (that is what the garbage collector moves); a delegate per task
///   more. <c>ContinueWith(..., ExecuteSynchronously)</c> allocates a continuation task and its record per task; an await
///   continuation without a context costs one delegate, but wherever the completing code has a synchronization context (on
///   a loop, always) the runtime sends it to the thread pool, out of the loop's order. A post reads the completion of every task of
///   the block not yet recorded: at most <see cref="MaxTasks"/>, half the block on average when tasks complete in input
///   order.</item>
///   <item><see cref="OnCompleted"/> runs where a task completes, on any thread and on a loop too, inside the call that
///   completes it (<c>SetResult</c>), even for a task created with
///   <see cref="TaskCreationOptions.RunContinuationsAsynchronously"/> (<c>ContinueWith</c> would go to the thread pool
///   there), and without the runtime's guard against deep stacks: it must be short, must not block, must not complete
///   other watched tasks, and must not throw. An exception thrown from it would surface where it runs: out of
///   <see cref="Watch"/> for a task already complete, or, rethrown on the thread pool, ending the process. It runs
///   concurrently with itself when tasks complete on several threads.</item>
///   <item>A watch cannot be removed; for one that can, use <see cref="TaskObserver"/>. One object watches one block once.</item>
/// </list>
/// </remarks>
internal abstract class InlineDoneCallback : SynchronizationContext
{
    /// <summary>The most tasks one object watches (one bit each in its state).</summary>
    public const int MaxTasks = 32;

    private static readonly Action s_continuation = static () => { };

    private readonly Task[] _tasks;
    private readonly int _start;
    private readonly int _count;

    // One bit per task of the block, set once the task is recorded. Changed only by compare-and-swap, so that each task is
    // recorded by exactly one post (or by the watch itself).
    private int _recorded;

    private bool _postedWhileWatching;

    /// <summary>A watch of <paramref name="count"/> tasks of <paramref name="tasks"/> from <paramref name="start"/>; it begins
    /// with <see cref="Watch"/>. The array's elements must not change.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not between 1 and <see cref="MaxTasks"/>, or the
    /// block does not lie in <paramref name="tasks"/>.</exception>
    protected InlineDoneCallback(Task[] tasks, int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxTasks);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start, tasks.Length - count);
        _tasks = tasks;
        _start = start;
        _count = count;
    }

    /// <summary>Runs once for each watched task, once it has completed, where it completed.</summary>
    /// <param name="index">The task's index in the owner's array.</param>
    protected abstract void OnCompleted(int index);

    /// <summary>Watches the block: <see cref="OnCompleted"/> runs once for each task, once it has completed. Call it once.</summary>
    public void Watch()
    {
        bool completeWhenWatched = false;
        SynchronizationContext? previous = Current;
        SetSynchronizationContext(this);
        try
        {
            for (int i = _start; i < _start + _count; i++)
            {
                Task task = _tasks[i];
                if (task.IsCompleted)
                {
                    completeWhenWatched = true;
                }
                else
                {
                    task.GetAwaiter().UnsafeOnCompleted(s_continuation);
                }
            }
        }
        finally
        {
            SetSynchronizationContext(previous);
        }

        if (completeWhenWatched || _postedWhileWatching)
        {
            // Tasks complete when watched, and any that completed between its check and its registration (the runtime then
            // called Post at once, while this object was still the current context), are recorded now that it is not, in one
            // pass, so that nothing the callback completes can capture this object as its context.
            _postedWhileWatching = false;
            RecordCompleted();
        }
    }

    /// <summary>Called by the runtime when a watched task completes: records it at once (see the remarks).</summary>
    public sealed override void Post(SendOrPostCallback d, object? state)
    {
        if (Current == this)
        {
            _postedWhileWatching = true;
            return;
        }

        RecordCompleted();
    }

    /// <summary>Records every task of the block that is complete and not yet recorded, then runs <see cref="OnCompleted"/>
    /// for each, in input order, outside any lock. The task that posted is among them unless an earlier post recorded it.</summary>
    private void RecordCompleted()
    {
        uint block = uint.MaxValue >> (MaxTasks - _count);
        int seen;
        int found;
        do
        {
            seen = Volatile.Read(ref _recorded);
            found = (int)CompleteAmong(~(uint)seen & block);
            if (found == 0)
            {
                return; // this post's task was recorded by an earlier post
            }
        }
        while (Interlocked.CompareExchange(ref _recorded, seen | found, seen) != seen);

        for (uint mine = (uint)found; mine != 0; mine &= mine - 1)
        {
            OnCompleted(_start + BitOperations.TrailingZeroCount(mine));
        }
    }

    /// <summary>The tasks among <paramref name="candidates"/> (one bit per task of the block) that are complete.</summary>
    private uint CompleteAmong(uint candidates)
    {
        uint complete = 0;
        for (; candidates != 0; candidates &= candidates - 1)
        {
            int offset = BitOperations.TrailingZeroCount(candidates);
            if (_tasks[_start + offset].IsCompleted)
            {
                complete |= 1u << offset;
            }
        }

        return complete;
    }
}
