using AsyncNotes.Samples.Production;

// dotnet run --project samples/10-Production
ProductionSample.Run(Console.Out);
