using AsyncNotes.Samples.ContextManagers;

ContextManagersSample.Run(Console.Out);
