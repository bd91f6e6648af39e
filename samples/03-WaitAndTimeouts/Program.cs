using AsyncNotes.Samples.WaitAndTimeouts;

WaitAndTimeoutsSample.Run(Console.Out);
