using AsyncNotes.Samples.CommonMistakes;

// dotnet run --project samples/09-CommonMistakes                 every part, in the order of the notes' table
// dotnet run --project samples/09-CommonMistakes -- blocking-io  one part (the names: --list)
if (args is ["--list"] || (args.Length > 0 && !CommonMistakesSample.TryRun(Console.Out, args)))
{
    Console.WriteLine("Parts: " + string.Join(", ", CommonMistakesSample.PartNames));
    return args is ["--list"] ? 0 : 2;
}

if (args.Length == 0)
{
    CommonMistakesSample.Run(Console.Out);
}

return 0;
