namespace AsyncNotes;

/// <summary>Fire and forget, without losing the failure.</summary>
/// <remarks>
/// <para>Maps the fire-and-forget use of <c>asyncio.create_task</c>, whose failure asyncio reports through the loop's
/// exception handler ("Task exception was never retrieved"). The Python line it replaces:</para>
/// <code>asyncio.create_task(send_metrics())   # and keep no reference</code>
/// </remarks>
public static class TaskForgetExtensions
{
    /// <summary>Observes <paramref name="task"/> so that its failure is reported when it happens, instead of being lost.</summary>
    /// <remarks>
    /// <para>Differs from <c>_ = SendMetricsAsync();</c> (a discard), whose failure nobody sees until the garbage collector
    /// finalises the task and raises <see cref="TaskScheduler.UnobservedTaskException"/>, usually never:</para>
    /// <list type="bullet">
    ///   <item>On an <see cref="EventLoop"/>, a failure goes to <see cref="EventLoopOptions.ExceptionHandler"/> as a loop
    ///   callback; with no handler, <see cref="AsyncIO.Run(Func{Task}, EventLoopOptions?)"/> stops and throws it.</item>
    ///   <item>Off a loop (or once the loop that was current has closed), it raises <see cref="AsyncIO.ForgottenTaskFailed"/>.</item>
    ///   <item>Cancellation is not a failure and is not reported, as in asyncio.</item>
    /// </list>
    /// <para>Differs from Microsoft.VisualStudio.Threading's <c>TplExtensions.Forget(this Task?)</c>, which shares the name
    /// and the intent but has an empty body: it only marks the call as not awaited on purpose (VSTHRD110), and a failure is
    /// left to <see cref="TaskScheduler.UnobservedTaskException"/>, that is, lost. In a file that imports both namespaces,
    /// <c>task.Forget()</c> binds to that one (C# prefers the overload that needs no default argument) and
    /// <c>task.Forget("name")</c> to this one: pass a name, or call <c>TaskForgetExtensions.Forget(task)</c>.</para>
    /// <para>Off a loop, a service should rarely need this: a <c>BackgroundService</c> reading a <c>Channel&lt;T&gt;</c>
    /// owns its work and logs each failure (sample 02, part 5).</para>
    /// </remarks>
    /// <example><code>SendMetricsAsync(cancellationToken).Forget("metrics");</code></example>
    /// <param name="task">The task nobody will await.</param>
    /// <param name="name">A name for the report.</param>
    /// <exception cref="ArgumentNullException"><paramref name="task"/> is <see langword="null"/>.</exception>
    public static void Forget(this Task task, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        EventLoop? loop = EventLoop.Current;
        _ = task.ContinueWith(
            static (finished, state) => Report(finished, ((EventLoop? Loop, string? Name))state!),
            (loop, name),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously | TaskContinuationOptions.OnlyOnFaulted,
            TaskScheduler.Default);
    }

    private static void Report(Task faulted, (EventLoop? Loop, string? Name) where)
    {
        Exception failure = TaskOutcomes.Unwrap(faulted.Exception!);
        string message = $"Task exception was never retrieved: forgotten task '{where.Name ?? "(unnamed)"}' failed.";
        where.Loop.ReportUnretrieved(message, failure, where.Name);
    }
}
