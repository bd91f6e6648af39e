namespace AsyncNotes;

/// <summary>The primitive that owns a <see cref="WaiterQueue{T}"/> and has work to do when one of its waiters resumes: the
/// code that follows <c>await fut</c> in asyncio's <c>Semaphore.acquire</c> or <c>Lock.acquire</c>.</summary>
/// <remarks>
/// <list type="bullet">
///   <item><see cref="OnResume"/> runs once per waiter whose outcome was decided (woken, failed or cancelled), in that waiter's
///   own resume step: on a loop, the callback that resumes the awaiting task, scheduled behind the callbacks already ready
///   when the outcome was decided; off a loop, the thread-pool work item that resumes it. The awaiter runs right after it,
///   in the same step, and sees the outcome as <see cref="OnResume"/> left it.</item>
///   <item>It may take the owner's lock, wake other waiters, and replace a woken waiter's result with a cancellation
///   (<see cref="QueuedWaiter{T}.ResumeCanceled"/>); it must not block or throw.</item>
/// </list>
/// <para>So a primitive needs no async method of its own between the wake-up and its caller: the waiter's task is the task
/// the caller awaits, one object per wait.</para>
/// </remarks>
/// <typeparam name="T">What a waiter is woken with.</typeparam>
internal interface IWaiterOwner<T>
{
    /// <summary>The waiter's resume step; see the interface's remarks.</summary>
    void OnResume(QueuedWaiter<T> waiter);
}
