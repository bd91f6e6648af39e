using AsyncNotes.Samples.Queues;

QueueSample.Run(Console.Out);
