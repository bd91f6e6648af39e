using System.Diagnostics;

namespace AsyncNotes;

// asyncio's debug mode, its slow-callback part: each callback is timed on a real clock, and one that holds the loop longer
// than EventLoopOptions.SlowCallbackDuration is reported with the task it belonged to.
public sealed partial class EventLoop
{
    // The loop task whose code is running. Set once at the start of each task (main, CreateTask, a TaskGroup child); it then
    // flows with the task's execution context into every continuation.
    private static readonly AsyncLocal<LoopTask?> s_task = new();

    // The same task again, set only on a loop that times its callbacks: its change handler sees the value whenever a callback
    // switches to a task's context, which is how the loop learns which task a slow callback belonged to. A handler costs
    // every switch of execution context a check, so tasks elsewhere (the thread pool's TaskGroup children) go without it.
    private static readonly AsyncLocal<LoopTask?> s_timedTask = new(OnTaskNameChanged);

    private string? _taskSeenInCallback;

    /// <summary>Marks the loop task whose code runs in the current asynchronous flow (call at the start of the task).</summary>
    internal static void SetCurrentTask(LoopTask task)
    {
        s_task.Value = task;
        if (t_current?.Options.SlowCallbackDuration is not null)
        {
            s_timedTask.Value = task;
        }
    }

    /// <summary>The loop task whose code runs in the current asynchronous flow, if any.</summary>
    internal static LoopTask? CurrentTask => s_task.Value;

    /// <summary>The name of the task whose code runs in the current asynchronous flow, if it has one.</summary>
    internal static string? CurrentTaskName => s_task.Value?.Name;

    private static void OnTaskNameChanged(AsyncLocalValueChangedArgs<LoopTask?> change)
    {
        if (change.CurrentValue is { } task && t_current is { } loop)
        {
            loop._taskSeenInCallback = task.Name;
        }
    }

    private void RunTimedCallback(ReadyItem item, TimeSpan threshold)
    {
        TimeProvider clock = Options.SlowCallbackClock ?? TimeProvider.System;
        _taskSeenInCallback = null;
        long start = clock.GetTimestamp();
        RunCallback(item);
        TimeSpan duration = clock.GetElapsedTime(start);
        if (duration >= threshold)
        {
            ReportSlowCallback(new SlowCallback(_taskSeenInCallback, duration, Elapsed));
        }
    }

    private void ReportSlowCallback(SlowCallback report)
    {
        Action<SlowCallback>? handler = Options.SlowCallbackHandler;
        if (handler is null)
        {
            // asyncio logs a warning; .NET's equivalent without a logging dependency.
            Trace.TraceWarning(report.ToString());
            return;
        }

        try
        {
            handler(report);
        }
        catch (Exception ex)
        {
            ReportException(new EventLoopExceptionContext("The slow-callback handler threw.", ex, report.TaskName));
        }
    }
}
