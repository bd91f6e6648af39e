using AsyncNotes.Samples.CommonMistakes;

// dotnet run --project samples/09-CommonMistakes                 every part, in the order of the notes' table
// dotnet run --project samples/09-CommonMistakes -- blocking-io  one part (or several, in the order given)
// dotnet run --project samples/09-CommonMistakes -- --list       the parts' names
return CommonMistakesSample.RunCommandLine(args);
