using AsyncNotes.Samples.EventLoops;

EventLoopSample.Run(Console.Out);
