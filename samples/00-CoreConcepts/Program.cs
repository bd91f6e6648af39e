using AsyncNotes.Samples.CoreConcepts;

CoreConceptsSample.Run(Console.Out);
