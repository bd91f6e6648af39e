using System.Diagnostics.CodeAnalysis;

namespace AsyncNotes;

/// <summary>The outer task of a shield: completes as the inner task does, or is cancelled by the caller's token first.</summary>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "_unhook has no timer, so it holds nothing to release; it is cancelled, never disposed, because the cancel can race ahead of ContinueWith reading its token.")]
internal sealed class ShieldSource<T>
{
    private readonly Task _inner;
    private readonly EventLoop? _loop;
    private readonly TaskCompletionSource<T> _outer;
    private readonly CancellationTokenSource _unhook = new();
    private CancellationTokenRegistration _registration;

    public ShieldSource(Task inner, EventLoop? loop)
    {
        _inner = inner;
        _loop = loop;
        _outer = LoopAware.CreateSource<T>(loop);
    }

    public Task<T> Task => _outer.Task;

    public void Start(CancellationToken cancellationToken)
    {
        // The cancel may run inline in someone's Cancel() or on another thread: deliver it as a callback of its own on the loop.
        _registration = cancellationToken.UnsafeRegister(
            static (s, token) =>
            {
                var shield = (ShieldSource<T>)s!;
                LoopAware.Schedule(shield._loop, () => shield.OnCancelRequested(token));
            },
            this);

        // ExecuteSynchronously: the shield completes inside the inner task's completion when that is on the loop, as if the
        // caller awaited the task itself; from another thread it posts to the loop. Cancelling _unhook removes the continuation.
        _ = _inner.ContinueWith(
            static (t, s) => ((ShieldSource<T>)s!).OnInnerCompleted(t),
            this,
            _unhook.Token,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void OnInnerCompleted(Task inner)
    {
        if (_loop is null || _loop.IsOnLoopThread)
        {
            Complete(inner);
        }
        else
        {
            LoopAware.Schedule(_loop, () => Complete(inner));
        }
    }

    private void Complete(Task inner)
    {
        bool completed = inner switch
        {
            Task<T> typed => _outer.TrySetFromTask(typed),
            { IsFaulted: true } => _outer.TrySetException(inner.Exception!.InnerExceptions),

            // TaskCanceledException(Task) carries the task's own cancellation token over.
            { IsCanceled: true } => _outer.TrySetCanceled(new TaskCanceledException(inner).CancellationToken),
            _ => _outer.TrySetResult(default!),
        };

        if (completed)
        {
            _registration.Dispose();
        }
    }

    private void OnCancelRequested(CancellationToken token)
    {
        // The registration is not disposed here: off a loop this may run inside UnsafeRegister, before Start has stored it.
        // A registration whose callback has run holds nothing.
        if (_outer.TrySetCanceled(token))
        {
            LoopAware.CancelNow(_unhook);
        }
    }
}
