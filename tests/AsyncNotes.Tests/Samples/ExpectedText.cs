using System.Text.RegularExpressions;

namespace AsyncNotes.Tests.Samples;

/// <summary>A sample's output held to the text its README shows, line by line: each <c>&lt;measured&gt;</c> in the README stands
/// for one real-time number, every other character must be the same. A failure names the first line that differs, so a
/// CI log shows what changed without the whole output.</summary>
internal static partial class ExpectedText
{
    /// <summary>What a README shows in place of a figure measured on the real clock.</summary>
    public const string Measured = "<measured>";

    /// <summary>Asserts that <paramref name="actual"/> is <paramref name="expected"/>, <see cref="Measured"/> standing for a number.</summary>
    /// <param name="actual">What the sample printed.</param>
    /// <param name="expected">The README's block.</param>
    /// <param name="what">The sample or trap, for the failure's message.</param>
    public static void ShouldMatch(string actual, string expected, string what)
    {
        string[] actualLines = actual.Split('\n');
        string[] expectedLines = expected.Split('\n');
        for (int i = 0; i < Math.Max(actualLines.Length, expectedLines.Length); i++)
        {
            string? got = i < actualLines.Length ? actualLines[i] : null;
            string? want = i < expectedLines.Length ? expectedLines[i] : null;
            bool same = got is not null && want is not null && LineMatches(got, want);
            same.Should().BeTrue(
                "{0} prints its README's line {1} (<measured> is any number): the README has [{2}], the sample printed [{3}]",
                what, i + 1, want ?? "(its block has ended)", got ?? "(its output has ended)");
        }
    }

    private static bool LineMatches(string got, string want) =>
        want.Contains(Measured, StringComparison.Ordinal)
            ? Regex.IsMatch(got, "^" + Regex.Escape(want).Replace(Regex.Escape(Measured), Number().ToString(), StringComparison.Ordinal) + "$")
            : got == want;

    [GeneratedRegex(@"[0-9]+(\.[0-9]+)?")]
    private static partial Regex Number();
}
