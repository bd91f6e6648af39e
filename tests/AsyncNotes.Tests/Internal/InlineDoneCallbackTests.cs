using FluentAssertions;
using Xunit;

namespace AsyncNotes.Tests.Internal;

/// <summary>An <see cref="InlineDoneCallback"/> runs once, where its task completes: inline on the completing thread (on a
/// loop too, inside the callback that completes the task), never on the thread pool of its own accord, and never with
/// itself as the current synchronization context.</summary>
public sealed class InlineDoneCallbackTests
{
    [Fact]
    public void Watch_ATaskAlreadyComplete_RunsAtOnceOnTheWatchingThread()
    {
        var watch = new Recorder();

        watch.Watch(Task.CompletedTask);

        watch.Runs.Should().Equal(Environment.CurrentManagedThreadId);
        watch.SawItselfAsContext.Should().BeFalse();
    }

    [Fact]
    public void Watch_RestoresTheCallersSynchronizationContext()
    {
        var mine = new SynchronizationContext();
        SynchronizationContext? before = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(mine);
        try
        {
            new Recorder().Watch(new TaskCompletionSource().Task);

            SynchronizationContext.Current.Should().BeSameAs(mine);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(before);
        }
    }

    [Fact]
    public async Task Watch_ATaskCompletedOnAnotherThread_RunsOnceOnThatThreadBeforeSetResultReturns()
    {
        var source = new TaskCompletionSource();
        var watch = new Recorder();
        watch.Watch(source.Task);
        watch.Runs.Should().BeEmpty();

        int completer = 0;
        bool ranBeforeSetResultReturned = false;
        await Task.Factory.StartNew(
            () =>
            {
                completer = Environment.CurrentManagedThreadId;
                source.SetResult();
                ranBeforeSetResultReturned = watch.Runs.Count == 1;
            },
            TestContext.Current.CancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        ranBeforeSetResultReturned.Should().BeTrue();
        watch.Runs.Should().Equal(completer);
        watch.SawItselfAsContext.Should().BeFalse();
    }

    // The point of the primitive: an await continuation without a context would go to the thread pool here, because the loop's
    // synchronization context is current where the task completes. The callback runs inside the loop callback that completed
    // the task, before the loop's next callback.
    [Fact]
    public void Watch_OnALoop_RunsInsideTheCallbackThatCompletesTheTask()
    {
        var log = new List<string>();
        var watch = new Recorder(() => log.Add("done-callback"));
        int loopThread = 0;

        AsyncIO.Run(
            async () =>
            {
                loopThread = Environment.CurrentManagedThreadId;
                var source = new TaskCompletionSource();
                watch.Watch(source.Task);
                SynchronizationContext loop = SynchronizationContext.Current!;
                loop.Post(
                    _ =>
                    {
                        log.Add("completes");
                        source.SetResult();
                        log.Add("completed");
                    },
                    null);
                loop.Post(_ => log.Add("next callback"), null);
                await AsyncIO.SleepAsync(TimeSpan.FromSeconds(1));
            },
            EventLoopOptions.Virtual);

        log.Should().Equal("completes", "done-callback", "completed", "next callback");
        watch.Runs.Should().Equal(loopThread);
    }

    // A task that runs its continuations asynchronously sends ContinueWith's to the thread pool; the watch still runs inline,
    // once, inside SetResult (the runtime calls Post at once whatever the task's options).
    [Fact]
    public void Watch_ATaskThatRunsContinuationsAsynchronously_StillRunsOnceInsideSetResult()
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var watch = new Recorder();
        watch.Watch(source.Task);

        source.SetResult();

        watch.Runs.Should().Equal(Environment.CurrentManagedThreadId);
        watch.SawItselfAsContext.Should().BeFalse();
    }

    private sealed class Recorder(Action? then = null) : InlineDoneCallback
    {
        private readonly List<int> _runs = [];

        public IReadOnlyList<int> Runs
        {
            get
            {
                lock (_runs)
                {
                    return [.. _runs];
                }
            }
        }

        public bool SawItselfAsContext { get; private set; }

        protected override void OnCompleted()
        {
            SawItselfAsContext |= SynchronizationContext.Current == this;
            lock (_runs)
            {
                _runs.Add(Environment.CurrentManagedThreadId);
            }

            then?.Invoke();
        }
    }
}
