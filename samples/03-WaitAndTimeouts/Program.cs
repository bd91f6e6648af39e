using AsyncNotes.Samples.WaitAndTimeouts;

// dotnet run --project samples/03-WaitAndTimeouts                           the sample (what the tour runs)
// dotnet run --project samples/03-WaitAndTimeouts -- --try dropped-token    a trap: the wrong code, then the right one
// dotnet run --project samples/03-WaitAndTimeouts -- --list                 the traps' names
// dotnet run --project samples/03-WaitAndTimeouts -- --mermaid              parts 1, 3 and 7 as the README's Mermaid charts
return WaitAndTimeoutsSample.Traps.RunCommandLine(
    args, Console.Out, Console.Error, WaitAndTimeoutsSample.Run, "--try", WaitAndTimeoutsSample.TimelinesAsMermaid);
