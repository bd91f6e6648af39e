using AsyncNotes.Samples.RunningSyncCode;

RunningSyncCodeSample.Run(Console.Out);
