using AsyncNotes.Samples.Tasks;

TasksSample.Run(Console.Out);
