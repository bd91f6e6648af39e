using System.Runtime.CompilerServices;

namespace AsyncNotes.Samples.CommonMistakes;

/// <summary>.NET's own mistake 9, a fire-and-forget task nobody observes: <c>_ = AsyncIO.CreateTask(...)</c> (asyncio's
/// <c>create_task</c> without keeping a reference). The loop still reports the failure, but only when the run ends; with
/// <c>Forget()</c>, when it happens. Measured: when the loop's exception handler heard of a failure that happened at t=1s.</summary>
internal static class DiscardedTask
{
    private static readonly TimeSpan RunLength = TimeSpan.FromSeconds(10);

    public static void Run(PartLog log)
    {
        log.Part("9. a fire-and-forget task nobody observes (discarded-task)");
        log.Write($"wrong: _ = AsyncIO.CreateTask(SendMetricsAsync): {HeardAt(forget: false)}");
        log.Write($"fixed: AsyncIO.CreateTask(SendMetricsAsync).Forget(): {HeardAt(forget: true)}");
        log.Write("caught by: AN0005 (AsyncNotes.Analyzers) for the discard; CS4014 and VSTHRD110 for a bare call");
    }

    // Runs a 10 s main that starts a task failing at t=1s, and says when the loop's exception handler heard of it.
    private static string HeardAt(bool forget)
    {
        EventLoop? loop = null;
        var heard = new List<TimeSpan>();
        var options = EventLoopOptions.Virtual with { ExceptionHandler = _ => heard.Add(loop!.Elapsed) };
        AsyncIO.Run(async () =>
        {
            loop = EventLoop.Current;
            Start(forget);
            await AsyncIO.SleepAsync(RunLength);
        }, options);
        return heard.Count == 0
            ? "the failure at t=1s was never reported"
            : $"the failure at t=1s reached the loop's exception handler at t={heard[0].TotalSeconds:0.###}s ({heard.Count} report(s))";
    }

    // Not inlined, so no local of the caller keeps the task alive.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Start(bool forget)
    {
        if (forget)
        {
            AsyncIO.CreateTask(SendMetricsAsync, name: "metrics").Forget();
        }
        else
        {
#pragma warning disable AN0005 // the mistake, on purpose: this part measures when its failure is heard of
            _ = AsyncIO.CreateTask(SendMetricsAsync, name: "metrics");
#pragma warning restore AN0005
        }
    }

    private static async Task SendMetricsAsync(CancellationToken cancellationToken)
    {
        await AsyncIO.SleepAsync(TimeSpan.FromSeconds(1), cancellationToken);
        throw new InvalidOperationException("metrics endpoint refused the batch");
    }
}
