namespace AsyncNotes.Samples.CoreConcepts;

/// <summary>Trap <c>result-on-loop</c>: <c>.Result</c> on the loop's thread, for a task whose own continuation needs that
/// thread. The classic "don't block on async code" deadlock of UI threads and classic ASP.NET, and asyncio's "never block
/// the loop". Shown with a bounded <c>Wait</c>, because <c>.Result</c> would never return.</summary>
internal static class ResultOnLoop
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(1);

    public static void Run(PartLog log) => AsyncIO.Run(() => TrapAsync(log), EventLoopOptions.Virtual);

    // An ordinary async method: its await captures the loop's context, so the rest of it is posted back to the loop.
    private static async Task<int> AddOneAsync(Task<int> work) => await work + 1;

    private static async Task TrapAsync(PartLog log)
    {
        log.Part("result-on-loop: .Result on the loop's thread");
        // The I/O, done on the thread pool; it answers once the loop is waiting for it (else a fast pool thread could answer
        // before AddOneAsync awaits, and there would be nothing left to block on).
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<int> work = Task.Run(async () =>
        {
            await asked.Task.ConfigureAwait(false);
            return 41;
        });
        Task<int> answer = AddOneAsync(work);
        asked.SetResult();

        // BAD: block the loop's only thread until the answer is ready. The answer needs that thread to finish.
#pragma warning disable CA1849, VSTHRD103 // the trap, on purpose (bounded, so the sample goes on; .Result would wait forever)
        bool finished = answer.Wait(Patience, CancellationToken.None);
#pragma warning restore CA1849, VSTHRD103
        log.Print($"bad: answer.Wait({Patience.TotalSeconds:0} s), standing for answer.Result: finished = {finished}");

        // The work itself needs no loop, so waiting for it cannot deadlock; then the states are settled.
#pragma warning disable CA1849, VSTHRD103 // a wait that needs no loop, only so that the line below prints settled states
        if (!work.Wait(TimeSpan.FromSeconds(30), CancellationToken.None))
#pragma warning restore CA1849, VSTHRD103
        {
            throw new InvalidOperationException("The thread pool did not run a trivial work item within 30 s.");
        }

        log.Print($"     the work on the thread pool: {work.Status}; the answer: {answer.Status}, its continuation queued to the blocked thread");

        // GOOD: await gives the thread back to the loop, which runs the queued continuation.
        log.Print($"good: await answer -> {await answer}");
        log.Write("caught by: VSTHRD103 and CA1849 in an async method (as here), VSTHRD002 in a synchronous one");
    }
}
