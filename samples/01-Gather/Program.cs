using AsyncNotes.Samples.Gather;

// dotnet run --project samples/01-Gather                          the sample (what the tour runs)
// dotnet run --project samples/01-Gather -- --try cancel-async    a trap: the wrong code, then the right one
// dotnet run --project samples/01-Gather -- --list                the traps' names
// dotnet run --project samples/01-Gather -- --mermaid             part 1's recorded run as the README's Mermaid chart
return GatherSample.Traps.RunCommandLine(args, Console.Out, Console.Error, GatherSample.Run, "--try", GatherSample.TimelineAsMermaid);
