namespace AsyncNotes;

/// <summary>The outer task of a shield: completes as the inner task does, or is cancelled by the caller's token first.</summary>
/// <remarks>
/// <list type="bullet">
///   <item>The outer task is a <see cref="LoopFuture{T}"/>: a cancel decides it inside the <c>Cancel()</c> call, so a result
///   of the inner task that arrives later in the same instant loses, as asyncio's <c>outer.cancel()</c> wins.</item>
///   <item>The inner task is watched by a <see cref="TaskObserver"/> (asyncio's <c>_inner_done_callback</c>, one callback
///   after it finishes).</item>
///   <item>Once the shield is cancelled nobody awaits the inner task through it any more: a failure of the inner task then
///   goes to the loop's exception handler (asyncio logs "exception was never retrieved" for it).</item>
/// </list>
/// </remarks>
internal sealed class ShieldSource<T>
{
    private readonly LoopFuture<T> _outer = new();

    public Task<T> Task => _outer.Task;

    /// <summary>Also ends the wait with a <see cref="TimeoutException"/> at a deadline (<c>WaitForAsync</c> over a hot task).</summary>
    public void ExpireAfter(TimeProvider time, TimeSpan limit, string message) => _outer.TimeOutAfter(time, limit, message);

    public void Start(Task inner, CancellationToken cancellationToken)
    {
        _outer.CancelWhen(cancellationToken);
        _ = TaskObserver.Watch(inner, _outer.Loop, static (t, s) => ((ShieldSource<T>)s!).OnInnerDone(t), this);
    }

    private void OnInnerDone(Task inner)
    {
        if (_outer.IsDone)
        {
            if (inner.IsFaulted && _outer.IsCanceled)
            {
                _outer.Loop.ReportUnretrieved(
                    "Task exception was never retrieved: a shielded task failed after its shield was cancelled.",
                    TaskOutcomes.Unwrap(inner.Exception!));
            }

            return;
        }

        _ = inner switch
        {
            Task<T> typed => _outer.TrySetFrom(typed),
            { IsFaulted: true } => _outer.TrySetExceptions(inner.Exception!),
            { IsCanceled: true } => _outer.TrySetCanceled(TaskOutcomes.CanceledToken(inner)),
            _ => _outer.TrySetResult(default!),
        };
    }
}
