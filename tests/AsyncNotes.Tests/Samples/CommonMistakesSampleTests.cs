using System.Globalization;
using System.Text.RegularExpressions;
using AsyncNotes.Samples.CommonMistakes;

namespace AsyncNotes.Tests.Samples;

/// <summary>Sample 09's real-clock parts print measured figures (<c>&lt;measured&gt;</c> in its README). These tests hold
/// each figure to the range its README claims, so "the wrong code is worse" is checked, not just printed.</summary>
[Collection(RealTimeSamples.Name)]
public sealed partial class CommonMistakesSampleTests
{
    [Fact]
    public void BlockingIo_TheBlockingCallsRunOneAfterAnother_AndStallTheLoop_TheAwaitedOnesDoNot()
    {
        string output = RunPart("blocking-io");

        (double took, double stall, int slow) wrong = Blocking(output, "wrong");
        (double took, double stall, int slow) fixedRun = Blocking(output, "fixed");
        wrong.took.Should().BeGreaterThanOrEqualTo(3 * 300 * 0.95, "three 300 ms blocking calls cannot overlap");
        wrong.stall.Should().BeGreaterThanOrEqualTo(300 * 0.95, "each blocking call holds the loop for the server's 300 ms");
        wrong.slow.Should().BeGreaterThanOrEqualTo(1, "a 300 ms step is over the 250 ms slow-callback threshold");
        fixedRun.took.Should().BeLessThan(wrong.took, "awaited, the three requests overlap");
        fixedRun.stall.Should().BeLessThan(wrong.stall);
    }

    [Fact]
    public void ClientPerRequest_LeavesSocketsInTimeWait_TheFactoryLeavesNone()
    {
        string output = RunPart("client-per-request");

        (int timeWait, int open) wrong = Sockets(output, "wrong");
        (int timeWait, int open) fixedRun = Sockets(output, "fixed");
        wrong.timeWait.Should().BeGreaterThanOrEqualTo(10, "each of the 20 disposed clients closed its own connection");
        fixedRun.timeWait.Should().Be(0, "the factory's clients share one pooled connection, still open");
        fixedRun.open.Should().BeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public void UnboundedFanOut_TheServerSeesFarMoreThanTheLimit_TheMappedRunStaysWithinIt()
    {
        string output = RunPart("unbounded-fan-out");

        int[] inFlight = [.. InFlight().Matches(output).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];
        inFlight.Should().HaveCount(2);
        inFlight[0].Should().BeGreaterThan(20, "200 requests at once, each held 100 ms by the server");
        inFlight[1].Should().BeInRange(1, 10, "MapAsync keeps at most 10 in flight");
    }

    [Fact]
    public void TryRun_UnknownPart_RunsNothing_AndSaysSo()
    {
        using var output = new StringWriter();

        bool ran = CommonMistakesSample.TryRun(output, ["nested-run", "no-such-part"]);

        ran.Should().BeFalse();
        output.ToString().Should().BeEmpty("nothing runs when one name is unknown");
    }

    private static string RunPart(string name)
    {
        using var output = new StringWriter { NewLine = "\n" };
        CommonMistakesSample.TryRun(output, [name]).Should().BeTrue();
        return output.ToString();
    }

    private static (double Took, double Stall, int Slow) Blocking(string output, string which)
    {
        Match m = new Regex(which + @": .*took (\d+) ms; the loop stood still for up to (\d+) ms; slow callbacks reported: (\d+)").Match(output);
        m.Success.Should().BeTrue($"the part prints its {which} measurement:\n{output}");
        return (Number(m, 1), Number(m, 2), (int)Number(m, 3));
    }

    private static (int TimeWait, int Open) Sockets(string output, string which)
    {
        Match m = new Regex(which + @": .*: (\d+) sockets left in TIME_WAIT, (\d+) connection").Match(output);
        m.Success.Should().BeTrue($"the part prints its {which} measurement:\n{output}");
        return ((int)Number(m, 1), (int)Number(m, 2));
    }

    private static double Number(Match m, int group) => double.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"the server had (\d+) in flight")]
    private static partial Regex InFlight();
}
