using AsyncNotes.Samples.Gather;

if (args is ["--mermaid"])
{
    // Regenerates the Mermaid chart in this sample's README from a recorded run of part 1.
    Console.WriteLine(GatherSample.TimelineAsMermaid());
    return;
}

GatherSample.Run(Console.Out);
