using System.Text;

namespace AsyncNotes;

// The tasks the loop knows of: main, and those started through AsyncNotes' own APIs (AsyncIO.CreateTask). The loop keeps
// them referenced until they finish (asyncio's _all_tasks), names them in a deadlock report, and cancels and awaits those
// still pending when main ends, as asyncio.run does. Guarded by _gate.
public sealed partial class EventLoop
{
    private readonly Dictionary<Task, KnownTask> _tasks = [];
    private List<(Exception Failure, string Name)>? _knownFailures;
    private HashSet<Exception>? _unretrieved;
    private EventHandler<UnobservedTaskExceptionEventArgs>? _onUnobserved;
    private long _taskSequence;
    private long _nameSequence;

    // Info is null for what the loop keeps alive without being a task of the program's (a group's or a gather's owner).
    private sealed record KnownTask(string Name, long Sequence, CancellationTokenSource? Cancellation, LoopTask? Info);

    /// <summary>Takes the next default task name, as asyncio's <c>Task-1</c>, <c>Task-2</c>, ...: only unnamed tasks use up
    /// a number, and each number is taken once, whichever thread asks.</summary>
    internal string TakeTaskName()
    {
        lock (_gate)
        {
            return $"Task-{++_nameSequence}";
        }
    }

    /// <summary>Keeps <paramref name="task"/> referenced until it finishes; <paramref name="cancellation"/> is cancelled at shutdown.</summary>
    internal void Register(Task task, string name, CancellationTokenSource? cancellation) => Register(task, name, cancellation, info: null);

    /// <summary>As <see cref="Register(Task, string, CancellationTokenSource?)"/>, for a task of the program's, which
    /// <see cref="AllTasks"/> lists.</summary>
    internal void Register(Task task, LoopTask info, CancellationTokenSource? cancellation) => Register(task, info.Name, cancellation, info);

    /// <summary>The program's tasks that have not finished, in the order they were started (asyncio's <c>all_tasks()</c>).</summary>
    internal IReadOnlyList<LoopTask> AllTasks()
    {
        lock (_gate)
        {
            return [.. _tasks.Values.Where(k => k.Info is { IsDone: false }).OrderBy(k => k.Sequence).Select(k => k.Info!)];
        }
    }

    private void Register(Task task, string name, CancellationTokenSource? cancellation, LoopTask? info)
    {
        lock (_gate)
        {
            _tasks.Add(task, new KnownTask(name, ++_taskSequence, cancellation, info));
        }

        _ = task.ContinueWith(
            static (finished, state) => ((EventLoop)state!).Unregister(finished),
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void Unregister(Task finished)
    {
        KnownTask? known;
        lock (_gate)
        {
            _tasks.Remove(finished, out known);
        }

        known?.Cancellation?.Dispose();
        known?.Info?.Finished();
    }

    /// <summary>asyncio.run's <c>_cancel_all_tasks</c>: cancel every task still pending, run until all have finished.</summary>
    private void CancelAndAwaitPendingTasks()
    {
        List<(Task Task, KnownTask Known)> pending;
        lock (_gate)
        {
            pending = [.. _tasks.Select(pair => (pair.Key, pair.Value)).OrderBy(pair => pair.Value.Sequence)];
        }

        if (pending.Count == 0)
        {
            return;
        }

        foreach ((_, KnownTask known) in pending)
        {
            try
            {
                known.Cancellation?.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The task finished (and released its source) between the snapshot and here: nothing left to cancel.
            }
            catch (AggregateException callbackErrors)
            {
                // A token callback threw: reported, and every other task is still cancelled and awaited.
                foreach (Exception error in callbackErrors.Flatten().InnerExceptions)
                {
                    ReportException(new EventLoopExceptionContext(
                        $"A cancellation callback of task '{known.Name}' threw at the end of the run.", error, known.Name));
                }
            }
        }

        RunUntil(() => pending.TrueForAll(p => p.Task.IsCompleted));

        foreach ((Task task, KnownTask known) in pending)
        {
            if (task.IsFaulted)
            {
                Exception failure = TaskOutcomes.Unwrap(task.Exception!);
                ReportException(new EventLoopExceptionContext(
                    $"Task '{known.Name}' failed while it was being cancelled at the end of the run.", failure, known.Name));
            }
        }
    }

    /// <summary>Awaits a known task's work and notes its failure (without retrieving it for anyone) so that, if nobody
    /// retrieves it by the end of the run, it can be reported. Costs no turn: the await resumes in the task's own step.</summary>
    internal async Task<T> NoteFailuresAsync<T>(Task<T> work, string name)
    {
        try
        {
            return await work.ConfigureAwait(true);
        }
        catch (Exception failure) when (NoteFailure(failure, name))
        {
            throw; // never reached: the filter only notes
        }
    }

    private bool NoteFailure(Exception failure, string name)
    {
        if (failure is not OperationCanceledException)
        {
            bool first;
            lock (_gate)
            {
                first = _knownFailures is null;
                (_knownFailures ??= []).Add((failure, name));
            }

            if (first)
            {
                // Listening from the first failure on, not only at the end of the run: a collection started elsewhere (another
                // loop's end, any GC) may finalize the task earlier, and its unobserved exception is raised only once.
                _onUnobserved = OnUnobservedTaskException;
                TaskScheduler.UnobservedTaskException += _onUnobserved;
            }
        }

        return false;
    }

    /// <summary>Marks the loop's own noted failures as unretrieved when the runtime reports them unobserved (their tasks were
    /// collected without anyone reading them), and only those.</summary>
    private void OnUnobservedTaskException(object? sender, UnobservedTaskExceptionEventArgs e)
    {
        lock (_gate)
        {
            if (_knownFailures is not { } failures)
            {
                return;
            }

            foreach (Exception inner in e.Exception.InnerExceptions)
            {
                if (failures.Exists(f => ReferenceEquals(f.Failure, inner)))
                {
                    (_unretrieved ??= new HashSet<Exception>(ReferenceEqualityComparer.Instance)).Add(inner);
                    e.SetObserved();
                }
            }
        }
    }

    /// <summary>Stops listening for unobserved task exceptions (the end of the run, however it ended).</summary>
    private void StopWatchingUnobserved()
    {
        if (_onUnobserved is { } handler)
        {
            TaskScheduler.UnobservedTaskException -= handler;
            _onUnobserved = null;
        }
    }

    /// <summary>asyncio's "Task exception was never retrieved": at the end of a run in which a known task failed, the failures
    /// that nobody retrieved (whose tasks were collected unobserved) go to the exception handler, or stop the run.</summary>
    private void ReportUnretrievedTaskFailures()
    {
        if (_onUnobserved is null)
        {
            return;
        }

        try
        {
#pragma warning disable S1215 // Deliberate: unobserved task exceptions surface only when their tasks are collected.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            GC.WaitForPendingFinalizers();
#pragma warning restore S1215
        }
        finally
        {
            StopWatchingUnobserved();
        }

        List<(Exception Failure, string Name)> failures;
        HashSet<Exception>? unretrieved;
        lock (_gate)
        {
            failures = _knownFailures ?? [];
            unretrieved = _unretrieved;
            _knownFailures = null;
            _unretrieved = null;
        }

        foreach ((Exception failure, string name) in failures)
        {
            if (unretrieved?.Contains(failure) == true)
            {
                ReportException(new EventLoopExceptionContext($"Task exception was never retrieved: task '{name}' failed.", failure, name));
            }
        }
    }

    private EventLoopDeadlockException CreateDeadlockException()
    {
        int offLoop = _trackedInFlight + OffLoopRunning;
        List<string> waiting = [.. _tasks.Where(pair => !pair.Key.IsCompleted).OrderBy(pair => pair.Value.Sequence).Select(pair => pair.Value.Name)];
        var message = new StringBuilder()
            .Append("The event loop is deadlocked at t = ").Append(Elapsed.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture))
            .Append(" s on its virtual clock: nothing is ready to run, no timer is due, ")
            .Append(offLoop > 0
                ? $"and {offLoop} thread(s) running the loop's code elsewhere have not come back within {Options.OffLoopPatience.TotalSeconds:0.###} s (EventLoopOptions.OffLoopPatience): if they wait for the loop, nothing can ever wake the tasks that wait. "
                : "and no work of the loop's is in flight elsewhere, so nothing can ever wake the tasks that wait. ")
            .Append(waiting.Count == 0 ? "No known task is waiting." : "Waiting: " + string.Join(", ", waiting) + ".")
            .Append(" Either something awaits an event that nothing will set, or it waits for something the loop cannot see: a timer on ")
            .Append("the system clock (Task.Delay, CancelAfter or WaitAsync without a TimeProvider: pass EventLoop.Time), or real I/O; ")
            .Append("for the latter, give EventLoopOptions.AutoJumpThreshold a grace period.")
            .Append("\nThe tasks, each under the task that started it:\n")
            .Append(CallGraph.Format(AllTasks(), current: null))
            .ToString();
        return new EventLoopDeadlockException(message, Elapsed, waiting);
    }
}
