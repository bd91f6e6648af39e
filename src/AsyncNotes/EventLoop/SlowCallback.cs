namespace AsyncNotes;

/// <summary>A callback that held the event loop longer than <see cref="EventLoopOptions.SlowCallbackDuration"/>.</summary>
/// <remarks>
/// <para>Maps the warning asyncio's debug mode logs for a slow callback ("Executing &lt;Task ...&gt; took 0.250 seconds").
/// The Python lines it replaces:</para>
/// <code>
/// loop.set_debug(True)
/// loop.slow_callback_duration = 0.1
/// </code>
/// <para>A slow callback is CPU-bound or blocking code between two awaits: while it runs, no other task on the loop makes
/// progress (the notes' "CPU-bound code blocks the loop"). Move such code to <see cref="AsyncIO.ToThreadAsync{T}(Func{T}, CancellationToken)"/>.</para>
/// </remarks>
/// <param name="TaskName">The loop task the callback belonged to (<c>main</c>, or the name given to
/// <see cref="AsyncIO.CreateTask{T}(Func{CancellationToken, Task{T}}, string?, CancellationToken)"/>), or
/// <see langword="null"/> when it belonged to no task the loop knows of.</param>
/// <param name="Duration">How long the callback held the loop, in real time (on <see cref="EventLoopOptions.SlowCallbackClock"/>).</param>
/// <param name="LoopTime">The loop's clock (<see cref="EventLoop.Elapsed"/>) when the callback ended.</param>
public sealed record SlowCallback(string? TaskName, TimeSpan Duration, TimeSpan LoopTime)
{
    /// <summary>The report in asyncio's words, e.g. <c>Executing task 'cruncher' took 0.250 seconds</c>.</summary>
    /// <returns>The report as one line.</returns>
    public override string ToString() =>
        string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"Executing {(TaskName is null ? "a callback" : $"task '{TaskName}'")} took {Duration.TotalSeconds:0.000} seconds");
}
