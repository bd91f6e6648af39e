using System.Text.RegularExpressions;
using AsyncNotes.Samples.CommonMistakes;
using AsyncNotes.Samples.ContextManagers;
using AsyncNotes.Samples.CoreConcepts;
using AsyncNotes.Samples.EventLoops;
using AsyncNotes.Samples.Gather;
using AsyncNotes.Samples.Production;
using AsyncNotes.Samples.Queues;
using AsyncNotes.Samples.RunningSyncCode;
using AsyncNotes.Samples.Semaphores;
using AsyncNotes.Samples.TaskGroups;
using AsyncNotes.Samples.Tasks;
using AsyncNotes.Samples.WaitAndTimeouts;

namespace AsyncNotes.Tests.Samples;

/// <summary>Each sample prints exactly the "Expected output" its README shows, so the docs cannot drift from the code.</summary>
[Collection(RealTimeSamples.Name)]
public sealed partial class SampleOutputTests
{
    public static TheoryData<string, Action<TextWriter>> Samples => new()
    {
        { "00-CoreConcepts", CoreConceptsSample.Run },
        { "01-Gather", GatherSample.Run },
        { "02-Tasks", TasksSample.Run },
        { "03-WaitAndTimeouts", WaitAndTimeoutsSample.Run },
        { "03b-TaskGroup", TaskGroupSample.Run },
        { "04-Semaphore", SemaphoreSample.Run },
        { "05-AsyncContextManagersAndIterators", ContextManagersSample.Run },
        { "06-Queue", QueueSample.Run },
        { "07-EventLoop", EventLoopSample.Run },
        { "08-RunningSyncCode", RunningSyncCodeSample.Run },
        { "09-CommonMistakes", CommonMistakesSample.Run },
        { "10-Production", ProductionSample.Run },
    };

    // Two runs in one process: the second also shows that a run leaves nothing behind that changes the next (a static, a
    // cached loop, a server still bound).
    [Theory]
    [MemberData(nameof(Samples))]
    public void Sample_Output_IsWhatItsReadmeShows_EveryRun(string folder, Action<TextWriter> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        string expected = ExpectedOutput(folder);

        foreach (string which in new[] { "first run", "second run" })
        {
            using var output = new StringWriter { NewLine = "\n" };
            run(output);
            ExpectedText.ShouldMatch(output.ToString().TrimEnd(), expected, $"samples/{folder} ({which})");
        }
    }

    // MAPPING's "executable timelines": the Gantt charts in the READMEs are recorded runs, not drawings made by hand. Each
    // chart a sample records is in its README verbatim, and the README has no other Gantt chart.
    public static TheoryData<string, Func<string>> RecordedTimelines => new()
    {
        { "01-Gather", GatherSample.TimelineAsMermaid },
        { "02-Tasks", TasksSample.TimelineAsMermaid },
        { "03-WaitAndTimeouts", WaitAndTimeoutsSample.TimelinesAsMermaid },
    };

    [Theory]
    [MemberData(nameof(RecordedTimelines))]
    public void Sample_ReadmeGanttCharts_AreTheRecordedRuns(string folder, Func<string> record)
    {
        ArgumentNullException.ThrowIfNull(record);
        string readme = File.ReadAllText(Path.Combine(Repository.Root(), "samples", folder, "README.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        string[] inReadme = [.. MermaidBlock().Matches(readme).Select(m => m.Groups["text"].Value).Where(chart => chart.StartsWith("gantt\n", StringComparison.Ordinal))];

        string[] recorded = record().Split("\n\n");

        inReadme.Should().Equal(recorded, $"samples/{folder}/README.md shows each recorded chart, in order, and no other Gantt chart");
    }

    private static string ExpectedOutput(string folder)
    {
        string readme = File.ReadAllText(Path.Combine(Repository.Root(), "samples", folder, "README.md"));
        Match block = ExpectedOutputBlock().Match(readme);
        block.Success.Should().BeTrue($"samples/{folder}/README.md has an '## Expected output' section with a text block");
        return block.Groups["text"].Value.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd();
    }

    [GeneratedRegex(@"## Expected output\s+```text\n(?<text>.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex ExpectedOutputBlock();

    [GeneratedRegex(@"```mermaid\n(?<text>.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex MermaidBlock();
}
