using AsyncNotes.Samples.Tasks;

// dotnet run --project samples/02-Tasks                            the sample (what the tour runs)
// dotnet run --project samples/02-Tasks -- --try discarded-task    a trap: the wrong code, then the right one
// dotnet run --project samples/02-Tasks -- --list                  the traps' names
// dotnet run --project samples/02-Tasks -- --mermaid               part 1's recorded run as the README's Mermaid chart
return TasksSample.Traps.RunCommandLine(args, Console.Out, Console.Error, TasksSample.Run, "--try", TasksSample.TimelineAsMermaid);
