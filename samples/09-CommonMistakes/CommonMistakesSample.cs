namespace AsyncNotes.Samples.CommonMistakes;

/// <summary>The notes' "Common Mistakes" table, one part per mistake, and .NET's own three: each shows the wrong code going
/// wrong (measured), the fix, and the diagnostic that catches it before it ships.</summary>
public static class CommonMistakesSample
{
    // The notes' six first, in their order, then .NET's three.
    private static readonly (string Name, Action<PartLog> Run)[] Parts =
    [
        ("nested-run", NestedRun.Run),
        ("blocking-io", BlockingIo.Run),
        ("sequential-awaits", SequentialAwaits.Run),
        ("client-per-request", ClientPerRequest.Run),
        ("unbounded-fan-out", UnboundedFanOut.Run),
        ("loop-by-hand", LoopByHand.Run),
        ("async-void", AsyncVoid.Run),
        ("blocking-wait", BlockingWait.Run),
        ("discarded-task", DiscardedTask.Run),
    ];

    /// <summary>The parts' names, for the command line.</summary>
    public static IReadOnlyList<string> PartNames { get; } = [.. Parts.Select(part => part.Name)];

    /// <summary>Runs every part, writing to <paramref name="output"/>.</summary>
    public static void Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var log = new PartLog(output);
        foreach ((_, Action<PartLog> run) in Parts)
        {
            run(log);
        }
    }

    /// <summary>Runs the parts named in <paramref name="names"/>, in the order given; <see langword="false"/>, running
    /// nothing, if a name is unknown.</summary>
    public static bool TryRun(TextWriter output, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(names);
        var chosen = new List<Action<PartLog>>();
        foreach (string name in names)
        {
            int index = Array.FindIndex(Parts, part => part.Name == name);
            if (index < 0)
            {
                return false;
            }

            chosen.Add(Parts[index].Run);
        }

        var log = new PartLog(output);
        chosen.ForEach(run => run(log));
        return true;
    }
}
