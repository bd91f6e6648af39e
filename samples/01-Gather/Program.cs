using AsyncNotes.Samples.Gather;

GatherSample.Run(Console.Out);
