using AsyncNotes.Samples.TaskGroups;

TaskGroupSample.Run(Console.Out);
