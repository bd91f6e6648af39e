using System.Globalization;
using AsyncNotes;
using Spectre.Console;

namespace AsyncNotes.Samples.Queues;

/// <summary>Part 5 of the sample: thousands of items through an <see cref="AsyncQueue{T}"/> in real time, watched on a live
/// progress display (Spectre.Console) when the console is interactive. It prints only totals that do not depend on timing,
/// so the output is the same with the display and without it, on every run.</summary>
internal static class LongRun
{
    private const int Items = 10_000;
    private const int MaxSize = 100;
    private const int Consumers = 10;

    // Each item's work, in real time: I/O stands behind it in a real program.
    private static readonly TimeSpan WorkTime = TimeSpan.FromMilliseconds(1);

    /// <summary>Whether a live display can be drawn: standard output is not redirected, and Spectre.Console finds the console
    /// interactive and able to move the cursor (not CI, not a dumb terminal). Otherwise Spectre.Console would fall back to
    /// printing progress lines, whose number and timing change from run to run, so no display is started at all.</summary>
    public static bool CanShowProgress =>
        !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities is { Interactive: true, Ansi: true };

    /// <summary>Runs the pipeline on the current (real-time) loop and prints its totals.</summary>
    public static async Task RunAsync(PartLog log, bool showProgress)
    {
        log.Part(Invariant($"5. a long run on the real clock: {Items:N0} items through AsyncQueue(maxSize: {MaxSize}), {Consumers} consumers"));
        Totals totals = showProgress
            ? await AnsiConsole.Progress()
                .AutoClear(true) // the display goes when done: the console then shows what redirected output shows
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
                .StartAsync(context => PipelineAsync(new Display(context)))
            : await PipelineAsync(display: null);

        long expected = (long)Items * (Items + 1) / 2;
        string once = totals.EachExactlyOnce ? "each exactly once" : "NOT each exactly once";
        log.Write(Invariant($"{totals.Put:N0} items put, {totals.Processed:N0} processed, {once}"));
        log.Write(Invariant($"checksum (the sum of the items) {totals.Checksum:N0}, expected {expected:N0}"));
        log.Write(totals.MaxQueued <= MaxSize
            ? Invariant($"the queue never held more than {MaxSize} items: the producer waited for room instead")
            : Invariant($"the queue held {totals.MaxQueued} items, more than its bound of {MaxSize}"));
        log.Write(Invariant($"JoinAsync returned with {totals.Unfinished} unfinished; Shutdown() ended the {Consumers} consumers"));
    }

    private static async Task<Totals> PipelineAsync(Display? display)
    {
        var q = new AsyncQueue<int>(maxSize: MaxSize);
        int[] timesProcessed = new int[Items + 1];
        long checksum = 0;
        int processed = 0;
        int maxQueued = 0;

        // Every consumer runs on the loop's thread, so the counters need no lock.
        async Task ConsumeAsync(CancellationToken ct)
        {
            await foreach (int item in q.ReadAllAsync(ct))
            {
                try
                {
                    await AsyncIO.SleepAsync(WorkTime, ct);
                    timesProcessed[item]++;
                    checksum += item;
                    processed++;
                    display?.Processed(q.Count);
                }
                finally
                {
                    q.TaskDone();
                }
            }
        }

        Task[] consumers = [.. Enumerable.Range(1, Consumers).Select(i => AsyncIO.CreateTask(ConsumeAsync, Invariant($"consumer {i}")))];
        for (int item = 1; item <= Items; item++)
        {
            await q.PutAsync(item); // waits while 100 items are queued: backpressure
            maxQueued = Math.Max(maxQueued, q.Count);
        }

        await q.JoinAsync();
        int unfinished = q.UnfinishedTasks;
        q.Shutdown();
        await Task.WhenAll(consumers);
        return new Totals(Items, processed, timesProcessed.Skip(1).All(count => count == 1), checksum, maxQueued, unfinished);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record Totals(int Put, int Processed, bool EachExactlyOnce, long Checksum, int MaxQueued, int Unfinished);

    /// <summary>The live display: a bar of the items processed, and the queue's fill in its description. Spectre.Console
    /// redraws it from a thread of its own, ten times a second; <see cref="ProgressTask"/> is safe to update from the loop.</summary>
    private sealed class Display(ProgressContext context)
    {
        private readonly ProgressTask _processed = context.AddTask(Describe(0), maxValue: Items);

        public void Processed(int queued)
        {
            _processed.Increment(1);
            _processed.Description = Describe(queued);
        }

        private static string Describe(int queued) => Invariant($"processed [grey](queue {queued,3}/{MaxSize})[/]");
    }
}
