using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace AsyncNotes;

/// <summary>The object <c>AsyncIO.AsCompleted</c> returns: one iterator with state, as asyncio's <c>as_completed</c> is, so
/// a second enumeration continues where the first stopped.</summary>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "The queue is disposed when every task has been yielded or the deadline has passed; the sequence keeps its place across enumerations, so no single enumerator owns it.")]
internal sealed class AsCompletedSequence<TTask> : IAsyncEnumerable<TTask>
    where TTask : Task
{
    private readonly TTask[] _tasks;
    private readonly TimeSpan? _timeout;
    private readonly CancellationToken _cancellationToken;
    private readonly TimeProvider _time;
    private readonly long _start;
    private readonly CompletionQueue<TTask> _completions = new();
    private int _yielded;

    public AsCompletedSequence(TTask[] tasks, TimeSpan? timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        _tasks = tasks;
        _timeout = timeout;
        _cancellationToken = cancellationToken;
        _time = time;
        _start = time.GetTimestamp();
        _completions.Watch(tasks);

        if (tasks.Length == 0)
        {
            _completions.Dispose();
        }
    }

    public IAsyncEnumerator<TTask> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        IterateAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);

    [SuppressMessage("Usage", "VSTHRD200:Use \"Async\" suffix for async methods", Justification = "An async iterator.")]
    private async IAsyncEnumerable<TTask> IterateAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using CancellationTokenSource? linked = _cancellationToken.CanBeCanceled && cancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(_cancellationToken, cancellationToken)
            : null;
        CancellationToken token = linked?.Token ?? (cancellationToken.CanBeCanceled ? cancellationToken : _cancellationToken);
        if (_timeout is { } limit && !_completions.IsExpired)
        {
            // The deadline counts from the call, as asyncio arms its timer in as_completed itself; it is armed while an
            // enumeration runs, and a later enumeration re-arms it for what is left.
            _completions.ExpireAfter(_time, limit - _time.GetElapsedTime(_start));
        }

        try
        {
            while (_yielded < _tasks.Length)
            {
                if (_completions.TryDequeue(out TTask task))
                {
                    if (++_yielded == _tasks.Length)
                    {
                        _completions.Dispose();
                    }

                    yield return task;
                    continue;
                }

                if (_completions.IsExpired)
                {
                    _completions.Dispose();
                    throw new TimeoutException($"as_completed: {_tasks.Length - _yielded} of {_tasks.Length} tasks had not finished by the deadline ({_timeout}).");
                }

                // ConfigureAwait(LoopAware.OnLoop): back to the loop on a loop, to nothing off it.
                await _completions.WaitAsync(token).ConfigureAwait(LoopAware.OnLoop);
            }
        }
        finally
        {
            _completions.Disarm();
        }
    }
}
