namespace AsyncNotes.Http.Tests;

/// <summary>The system clock, telling when a timer of at most <see cref="Longest"/> is created: the pipeline's retry
/// delay, when its timeouts are set longer than that. A test cancels on that event, knowing the client is in its delay.</summary>
internal sealed class DelayWatchingTimeProvider(TimeSpan longest) : TimeProvider
{
    private readonly TaskCompletionSource _delayStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The longest due time counted as a retry delay.</summary>
    public TimeSpan Longest { get; } = longest;

    private readonly System.Collections.Concurrent.ConcurrentQueue<TimeSpan> _delays = new();

    /// <summary>Completes when the first retry delay starts.</summary>
    public Task DelayStarted => _delayStarted.Task;

    /// <summary>The due times of the retry delays asked for so far, in order.</summary>
    public TimeSpan[] Delays => [.. _delays];

    /// <inheritdoc/>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ITimer timer = System.CreateTimer(callback, state, dueTime, period);
        if (dueTime > TimeSpan.Zero && dueTime <= Longest && period == Timeout.InfiniteTimeSpan)
        {
            _delays.Enqueue(dueTime);
            _delayStarted.TrySetResult();
        }

        return timer;
    }
}
