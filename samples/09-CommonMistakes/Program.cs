using AsyncNotes.Samples.CommonMistakes;

// dotnet run --project samples/09-CommonMistakes                 every part, in the order of the notes' table
// dotnet run --project samples/09-CommonMistakes -- blocking-io  one part (or several, in the order given)
// dotnet run --project samples/09-CommonMistakes -- --list       the parts' names
if (args is ["--list"])
{
    Console.WriteLine(string.Join(Environment.NewLine, CommonMistakesSample.PartNames));
    return 0;
}

if (args.Length == 0)
{
    CommonMistakesSample.Run(Console.Out);
    return 0;
}

if (!CommonMistakesSample.TryRun(Console.Out, args))
{
    string unknown = args.First(name => !CommonMistakesSample.PartNames.Contains(name));
    await Console.Error.WriteLineAsync($"Unknown part '{unknown}'. The parts: {string.Join(", ", CommonMistakesSample.PartNames)}.");
    return 2;
}

return 0;
