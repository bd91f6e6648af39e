using AsyncNotes.Samples.Semaphores;

SemaphoreSample.Run(Console.Out);
