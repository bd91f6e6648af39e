using AsyncNotes.Samples.CoreConcepts;

// dotnet run --project samples/00-CoreConcepts                                 the sample (what the tour runs)
// dotnet run --project samples/00-CoreConcepts -- --try configure-await-false  a trap: the wrong code, then the right one
// dotnet run --project samples/00-CoreConcepts -- --list                       the traps' names
return CoreConceptsSample.Traps.RunCommandLine(args, Console.Out, Console.Error, CoreConceptsSample.Run, "--try");
