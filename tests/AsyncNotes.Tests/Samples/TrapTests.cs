using System.Globalization;
using System.Text.RegularExpressions;
using AsyncNotes.Samples.CoreConcepts;
using AsyncNotes.Samples.Gather;
using AsyncNotes.Samples.Tasks;
using AsyncNotes.Samples.WaitAndTimeouts;

namespace AsyncNotes.Tests.Samples;

/// <summary>The traps of samples 00 to 03 (<c>dotnet run --project samples/NN-Name -- --try NAME</c>): each prints exactly
/// the block its README shows after "`... --try NAME` prints:", and every trap has such a block. Real-time figures read
/// <c>&lt;measured&gt;</c> there; the tests below hold them to their ranges.</summary>
[Collection(RealTimeSamples.Name)]
public sealed partial class TrapTests
{
    private static readonly Dictionary<string, (IReadOnlyList<string> Names, Func<TextWriter, IReadOnlyList<string>, bool> TryRun)> Samples = new()
    {
        ["00-CoreConcepts"] = (CoreConceptsSample.TrapNames, CoreConceptsSample.TryRunTraps),
        ["01-Gather"] = (GatherSample.TrapNames, GatherSample.TryRunTraps),
        ["02-Tasks"] = (TasksSample.TrapNames, TasksSample.TryRunTraps),
        ["03-WaitAndTimeouts"] = (WaitAndTimeoutsSample.TrapNames, WaitAndTimeoutsSample.TryRunTraps),
    };

    public static TheoryData<string, string> Traps
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach ((string folder, (IReadOnlyList<string> names, _)) in Samples)
            {
                foreach (string name in names)
                {
                    data.Add(folder, name);
                }
            }

            return data;
        }
    }

    public static TheoryData<string> Folders => [.. Samples.Keys];

    [Theory]
    [MemberData(nameof(Traps))]
    public void Trap_Output_IsWhatItsReadmeShows(string folder, string name)
    {
        string expected = ReadmeBlocks(folder)[name];

        string actual = RunTrap(folder, name);

        ExpectedText.ShouldMatch(actual, expected, $"samples/{folder} --try {name}");
    }

    [Theory]
    [MemberData(nameof(Folders))]
    public void Readme_ShowsEveryTrap_AndNoOther(string folder)
    {
        ReadmeBlocks(folder).Keys.Should().BeEquivalentTo(Samples[folder].Names, $"samples/{folder}/README.md shows one output block per trap");
    }

    [Theory]
    [MemberData(nameof(Folders))]
    public void TryRunTraps_UnknownName_RunsNothing(string folder)
    {
        using var output = new StringWriter();

        bool ran = Samples[folder].TryRun(output, [Samples[folder].Names[0], "no-such-trap"]);

        ran.Should().BeFalse();
        output.ToString().Should().BeEmpty("nothing runs when one name is unknown");
    }

    // The no-GIL lesson, measured: after ConfigureAwait(false) the two tasks count on the thread pool, at the same time, and
    // an unsynchronised ++ loses updates. A race is a probability: a run may lose none, so the trap gets up to five runs to
    // show it once; every run must add up, and neither good form may ever lose one.
    [Fact]
    public void ConfigureAwaitFalse_TwoThreadsOffTheLoop_LoseUpdates_OnTheLoopOrInterlocked_NoneAreLost()
    {
        var lostPerRun = new List<long>();
        for (int run = 0; run < 5 && !lostPerRun.Exists(lost => lost > 0); run++)
        {
            string output = RunTrap("00-CoreConcepts", "configure-await-false");
            MatchCollection counts = Counts().Matches(output);
            counts.Should().HaveCount(3, output);

            (int onLoop, long hits, long total, long lost)[] lines = [.. counts.Select(m => (
                int.Parse(m.Groups["onLoop"].Value, CultureInfo.InvariantCulture),
                long.Parse(m.Groups["hits"].Value, CultureInfo.InvariantCulture),
                long.Parse(m.Groups["total"].Value, CultureInfo.InvariantCulture),
                long.Parse(m.Groups["lost"].Value, CultureInfo.InvariantCulture)))];
            foreach ((_, long hits, long total, long lost) in lines)
            {
                hits.Should().BeInRange(1, total, "a lost update can only make the count smaller");
                (hits + lost).Should().Be(total);
            }

            lines[0].onLoop.Should().Be(0, "after ConfigureAwait(false) neither task is back on the loop's thread");
            lines[1].Should().Be((2, 20_000_000L, 20_000_000L, 0L), "on the loop the two tasks take turns on one thread");
            lines[2].Should().Be((0, 20_000_000L, 20_000_000L, 0L), "Interlocked.Increment loses nothing on any thread");
            lostPerRun.Add(lines[0].lost);
        }

        lostPerRun.Should().Contain(lost => lost > 0, $"two threads counting 10,000,000 each without a lock lose updates (runs: {string.Join(", ", lostPerRun)})");
    }

    // CancelAsync on a virtual loop: the token's callbacks always run off the loop; when `await cts.CancelAsync()` returns
    // is a race between the thread pool and the loop's clock, which may jump to the children's timers at 10 s first.
    // Cancel() is on time and on the loop, every time.
    [Fact]
    public void CancelAsync_OnAVirtualLoop_CallbacksRunOffTheLoop_AndReturnsAtOneSecondOrAtTheNextTimer()
    {
        for (int run = 0; run < 5; run++)
        {
            string output = RunTrap("01-Gather", "cancel-async");

            Match bad = CancelAsyncLine().Match(output);
            bad.Success.Should().BeTrue(output);
            double.Parse(bad.Groups["t"].Value, CultureInfo.InvariantCulture).Should().BeOneOf([1, 10], "the clock is at the cancel, or at the next timer");
            output.Should().Contain("[t=1s] good: cts.Cancel(): the token's callback ran on the loop's thread: True, sees a loop: True; the gather: cancelled");
        }
    }

    private static string RunTrap(string folder, string name)
    {
        using var output = new StringWriter { NewLine = "\n" };
        Samples[folder].TryRun(output, [name]).Should().BeTrue();
        return output.ToString().TrimEnd();
    }

    private static Dictionary<string, string> ReadmeBlocks(string folder)
    {
        string readme = File.ReadAllText(Path.Combine(Repository.Root(), "samples", folder, "README.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        var blocks = new Dictionary<string, string>();
        foreach (Match block in TrapBlock().Matches(readme))
        {
            block.Groups["folder"].Value.Should().Be(folder, "a README shows its own sample's traps");
            blocks.Add(block.Groups["name"].Value, block.Groups["text"].Value.TrimEnd());
        }

        return blocks;
    }

    [GeneratedRegex(@"`dotnet run --project samples/(?<folder>[^ `]+) -- --try (?<name>[a-z-]+)` prints:\s+```text\n(?<text>.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex TrapBlock();

    [GeneratedRegex(@"\[t=(?<t>[0-9.]+)s\] bad: await cts\.CancelAsync\(\): the token's callback ran on the loop's thread: False, sees a loop: False\n")]
    private static partial Regex CancelAsyncLine();

    [GeneratedRegex(@"(?<onLoop>\d) of 2 tasks counted on the loop's thread; hits = (?<hits>\d+) of (?<total>\d+), (?<lost>\d+) lost")]
    private static partial Regex Counts();
}
