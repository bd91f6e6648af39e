using System.Globalization;
using System.Text.RegularExpressions;
using AsyncNotes.Samples.Production;

namespace AsyncNotes.Tests.Samples;

/// <summary>Sample 10's fan-out prints two real-clock figures (<c>&lt;measured&gt;</c> in its README). These tests hold them
/// to what its README claims: the model never sees more calls at once than the limit, and the run waits out the one
/// attempt timeout.</summary>
[Collection(RealTimeSamples.Name)]
public sealed partial class ProductionSampleTests
{
    [Fact]
    public void FanOut_TheModelNeverSeesMoreThanTheLimit_AndTheStalledCallIsAbandonedAfterItsTimeout()
    {
        using var output = new StringWriter { NewLine = "\n" };

        ProductionSample.Run(output);

        string text = output.ToString();
        Match inFlight = InFlight().Match(text);
        inFlight.Success.Should().BeTrue($"the sample prints the model's high-water mark:\n{text}");
        int.Parse(inFlight.Groups[1].Value, CultureInfo.InvariantCulture).Should().BeInRange(1, 8, "maxConcurrency: 8 keeps at most 8 calls in flight");

        Match took = Took().Match(text);
        took.Success.Should().BeTrue($"the sample prints how long the fan-out took:\n{text}");
        int.Parse(took.Groups[1].Value, CultureInfo.InvariantCulture).Should().BeGreaterThanOrEqualTo(2000, "one call is abandoned only after its 2 s attempt timeout");
    }

    [GeneratedRegex(@"the model had at most (\d+) calls in flight")]
    private static partial Regex InFlight();

    [GeneratedRegex(@"took (\d+) ms")]
    private static partial Regex Took();
}
