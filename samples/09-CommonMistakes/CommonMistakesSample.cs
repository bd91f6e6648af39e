namespace AsyncNotes.Samples.CommonMistakes;

/// <summary>The notes' "Common Mistakes" table, one part per mistake, and .NET's own three: each shows the wrong code going
/// wrong (measured), the fix, and the diagnostic that catches it before it ships.</summary>
public static class CommonMistakesSample
{
    // The notes' six first, in their order, then .NET's three.
    private static readonly NamedParts Parts = new(
        ("nested-run", NestedRun.Run),
        ("blocking-io", BlockingIo.Run),
        ("sequential-awaits", SequentialAwaits.Run),
        ("client-per-request", ClientPerRequest.Run),
        ("unbounded-fan-out", UnboundedFanOut.Run),
        ("loop-by-hand", LoopByHand.Run),
        ("async-void", AsyncVoid.Run),
        ("blocking-wait", BlockingWait.Run),
        ("discarded-task", DiscardedTask.Run));

    /// <summary>The parts' names, for the command line.</summary>
    public static IReadOnlyList<string> PartNames => Parts.Names;

    /// <summary>Runs every part, writing to <paramref name="output"/>.</summary>
    public static void Run(TextWriter output) => Parts.RunAll(output);

    /// <summary>Runs the parts named in <paramref name="names"/>, in the order given; <see langword="false"/>, running
    /// nothing, if a name is unknown.</summary>
    public static bool TryRun(TextWriter output, IReadOnlyList<string> names) => Parts.TryRun(output, names);

    /// <summary>The sample's command line (no argument, <c>--list</c>, or part names); returns the exit code.</summary>
    internal static int RunCommandLine(IReadOnlyList<string> args) =>
        Parts.RunCommandLine(args, Console.Out, Console.Error, Run, option: null);
}
