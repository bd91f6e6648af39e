namespace AsyncNotes.Samples;

/// <summary>Parts of a sample that a reader runs by name: sample 09's mistakes (<c>-- blocking-io</c>) and the traps of
/// samples 00 to 03 (<c>-- --try configure-await-false</c>). One command line for all of them: no argument runs the sample
/// as the tour does, <c>--list</c> prints the names, names run those parts in the order given, and <c>--mermaid</c> prints
/// a sample's recorded timelines when it has any.</summary>
internal sealed class NamedParts
{
    private readonly (string Name, Action<PartLog> Run)[] _parts;

    /// <summary>The parts, in the order <see cref="RunAll"/> runs them.</summary>
    public NamedParts(params (string Name, Action<PartLog> Run)[] parts)
    {
        _parts = parts;
        Names = [.. parts.Select(part => part.Name)];
    }

    /// <summary>The parts' names, for the command line.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Runs every part, in order, as one log.</summary>
    public void RunAll(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var log = new PartLog(output);
        foreach ((_, Action<PartLog> run) in _parts)
        {
            run(log);
        }
    }

    /// <summary>Runs the parts named in <paramref name="names"/>, in the order given; <see langword="false"/>, running
    /// nothing, if a name is unknown.</summary>
    public bool TryRun(TextWriter output, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(names);
        var chosen = new List<Action<PartLog>>();
        foreach (string name in names)
        {
            int index = Array.FindIndex(_parts, part => part.Name == name);
            if (index < 0)
            {
                return false;
            }

            chosen.Add(_parts[index].Run);
        }

        var log = new PartLog(output);
        chosen.ForEach(run => run(log));
        return true;
    }

    /// <summary>The sample's command line; returns the process's exit code (2 for an unknown name or a malformed line).</summary>
    /// <param name="args">The arguments after <c>--</c>.</param>
    /// <param name="output">Where the sample writes.</param>
    /// <param name="error">Where a usage error goes.</param>
    /// <param name="runWithoutArguments">What the sample runs with no argument (what the tour runs).</param>
    /// <param name="option">The option that comes before the names (<c>--try</c>), or <see langword="null"/> when the names
    /// come alone (sample 09).</param>
    /// <param name="mermaid">The sample's recorded timelines as Mermaid blocks, for <c>--mermaid</c>; <see langword="null"/>
    /// when it has none.</param>
    public int RunCommandLine(
        IReadOnlyList<string> args,
        TextWriter output,
        TextWriter error,
        Action<TextWriter> runWithoutArguments,
        string? option,
        Func<string>? mermaid = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(runWithoutArguments);
        switch (args)
        {
            case []:
                runWithoutArguments(output);
                return 0;
            case ["--list"]:
                output.WriteLine(string.Join(Environment.NewLine, Names));
                return 0;
            case ["--mermaid"] when mermaid is not null:
                output.WriteLine(mermaid());
                return 0;
        }

        IReadOnlyList<string> names = option is null ? args : args.Count > 1 && args[0] == option ? [.. args.Skip(1)] : [];
        if (names.Count == 0)
        {
            error.WriteLine($"Usage: no argument, --list{(mermaid is null ? "" : ", --mermaid")}, or {option ?? ""}{(option is null ? "" : " ")}NAME... The names: {string.Join(", ", Names)}.");
            return 2;
        }

        if (!TryRun(output, names))
        {
            string unknown = names.First(name => !Names.Contains(name));
            error.WriteLine($"Unknown name '{unknown}'. The names: {string.Join(", ", Names)}.");
            return 2;
        }

        return 0;
    }
}
