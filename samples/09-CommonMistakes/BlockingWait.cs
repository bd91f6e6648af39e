namespace AsyncNotes.Samples.CommonMistakes;

/// <summary>.NET's own mistake 8, <c>.Result</c> or <c>.Wait()</c> on a task that needs the thread that is waiting: on a
/// single-threaded loop (or a UI thread), the task can never run, and <c>.Result</c> waits forever. Shown with a bounded
/// wait so the sample goes on.</summary>
internal static class BlockingWait
{
    private static readonly TimeSpan Patience = TimeSpan.FromMilliseconds(300);

    public static void Run(PartLog log) => AsyncIO.Run(() => PartAsync(log), EventLoopOptions.Virtual);

    private static async Task PartAsync(PartLog log)
    {
        log.Part("8. .Result and .Wait() on the loop (blocking-wait)");
        Task<string> user = AsyncIO.CreateTask(ct => Users.FetchUserAsync(1, ct), name: "fetch");

        // Wrong: block the loop's thread until the task is done. The task starts on that thread, so it cannot start.
#pragma warning disable CA1849, VSTHRD103 // the mistake, on purpose (bounded, so the sample goes on; .Result would wait forever)
        bool finished = user.Wait(Patience, CancellationToken.None);
#pragma warning restore CA1849, VSTHRD103
        log.Print($"wrong: user.Wait({Patience.TotalMilliseconds:0} ms) on the loop's thread: finished = {finished}, status {user.Status}: it needs the thread that waits for it");

        // Fixed: await, which gives the thread back to the loop.
        log.Print($"fixed: await user -> {await user}");
        log.Write("caught by: VSTHRD103 and CA1849 in an async method (as here), VSTHRD002 in a synchronous one");
    }
}
