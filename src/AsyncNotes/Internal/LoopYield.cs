namespace AsyncNotes;

/// <summary>asyncio's bare yield on a loop when nothing can cancel it (<c>await asyncio.sleep(0)</c>): one callback, posted
/// now as the yielding task's own next step, that completes the task inline.</summary>
/// <remarks>
/// <para>Nothing can decide this task's outcome but its one callback, so it needs none of the <see cref="LoopFuture{T}"/>'s
/// claim, registrations or deadline: it is the smallest thing that the runtime lets the loop complete, a completion source
/// holding the result (one object and its task). A yield with a token that can cancel it is a <see cref="LoopFuture{T}"/>.</para>
/// <para>The callback runs under the context of the step that yielded (<see cref="EventLoop.PostAs"/>), so that step's
/// awaiter resumes inside it: the caller runs after every callback already ready and before anything they schedule, exactly
/// one turn, as in asyncio.</para>
/// </remarks>
/// <typeparam name="T">The result type.</typeparam>
internal sealed class LoopYield<T> : TaskCompletionSource<T>
{
    private readonly T _result;

    private LoopYield(T result) => _result = result;

    /// <summary>Posts the yield to <paramref name="loop"/> (the current loop) and returns the task it completes.</summary>
    public static Task<T> YieldAsync(EventLoop loop, T result)
    {
        var yield = new LoopYield<T>(result);
        if (!loop.PostAs(SynchronizationContext.Current, static s => ((LoopYield<T>)s!).Resume(), yield))
        {
            yield.Resume(); // the loop has closed: the task must not stay pending forever
        }

        return yield.Task;
    }

    private void Resume() => SetResult(_result);
}
