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

    [Theory]
    [MemberData(nameof(Samples))]
    public void Sample_Output_IsWhatItsReadmeShows(string folder, Action<TextWriter> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        using var output = new StringWriter { NewLine = "\n" };

        run(output);

        string expected = ExpectedOutput(folder);
        string actual = output.ToString().TrimEnd();
        if (expected.Contains(Measured, StringComparison.Ordinal))
        {
            // Real-time figures are shown, not compared: each <measured> in the README stands for one number.
            actual.Should().MatchRegex("^" + Regex.Escape(expected).Replace(Regex.Escape(Measured), "[0-9]+(\\.[0-9]+)?", StringComparison.Ordinal) + "$");
        }
        else
        {
            actual.Should().Be(expected);
        }
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Sample_RunTwice_PrintsTheSameBothTimes(string folder, Action<TextWriter> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        using var first = new StringWriter();
        using var second = new StringWriter();

        run(first);
        run(second);

        bool measures = ExpectedOutput(folder).Contains(Measured, StringComparison.Ordinal);
        string Stable(string text) => measures ? Number().Replace(text, Measured) : text;
        Stable(second.ToString()).Should().Be(Stable(first.ToString()), $"{folder} prints the same every time (but for its measured figures)");
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

    private const string Measured = "<measured>";

    private static string ExpectedOutput(string folder)
    {
        string readme = File.ReadAllText(Path.Combine(Repository.Root(), "samples", folder, "README.md"));
        Match block = ExpectedOutputBlock().Match(readme);
        block.Success.Should().BeTrue($"samples/{folder}/README.md has an '## Expected output' section with a text block");
        return block.Groups["text"].Value.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd();
    }

    [GeneratedRegex(@"## Expected output\s+```text\n(?<text>.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex ExpectedOutputBlock();

    [GeneratedRegex(@"[0-9]+(\.[0-9]+)?")]
    private static partial Regex Number();

    [GeneratedRegex(@"```mermaid\n(?<text>.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex MermaidBlock();
}
