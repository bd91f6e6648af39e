using System.Reflection;
using System.Xml.Linq;

namespace AsyncNotes.Tests.Conventions;

/// <summary>Every public type says which asyncio idiom it maps and shows the Python it replaces (the project's doc rule).</summary>
public sealed class PublicApiDocTests
{
    private static readonly Assembly Library = typeof(AsyncIO).Assembly;

    public static TheoryData<string> PublicTypes =>
        [.. Library.GetExportedTypes().Select(t => t.FullName!).Order(StringComparer.Ordinal)];

    [Fact]
    public void Library_ExportsOnlyTheAsyncNotesNamespace()
    {
        Library.GetExportedTypes().Select(t => t.Namespace).Distinct().Should().Equal("AsyncNotes");
    }

    [Theory]
    [MemberData(nameof(PublicTypes))]
    public void PublicType_Docs_NameTheAsyncioIdiomAndShowThePython(string typeName)
    {
        XElement member = Docs().Single(m => (string?)m.Attribute("name") == "T:" + typeName);

        string remarks = member.Element("remarks")?.Value ?? string.Empty;
        remarks.Should().Contain("asyncio", $"the remarks of {typeName} must say which asyncio idiom it maps");
        member.Element("remarks")!.Descendants("code").Should().NotBeEmpty($"the remarks of {typeName} must show the Python line it replaces");
    }

    public static TheoryData<string> FacadeMethods =>
        [.. typeof(AsyncIO).GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly).Where(m => !m.IsSpecialName)
            .Select(m => m.Name).Distinct().Order(StringComparer.Ordinal)];

    // Each function of the facade names the asyncio function it maps and shows the Python line it replaces, in every
    // overload (directly, or through <inheritdoc/> from an overload that does).
    [Theory]
    [MemberData(nameof(FacadeMethods))]
    public void FacadeMethod_EveryOverload_ShowsThePythonItReplaces(string methodName)
    {
        XElement[] overloads = [.. Docs().Where(m => IsOverloadOf((string)m.Attribute("name")!, methodName))];

        overloads.Should().NotBeEmpty($"AsyncIO.{methodName} has XML docs");
        foreach (XElement overload in overloads)
        {
            if (overload.Element("inheritdoc") is not null && overload.Element("remarks") is null)
            {
                continue; // inherits the remarks of an overload checked here too
            }

            string name = (string)overload.Attribute("name")!;
            XElement? remarks = overload.Element("remarks");
            remarks.Should().NotBeNull($"{name} has remarks");
            remarks!.Value.Should().Contain("asyncio", $"{name} names the asyncio idiom it maps");
            remarks.Descendants("code").Should().NotBeEmpty($"{name} shows the Python line it replaces");
        }
    }

    private static bool IsOverloadOf(string docId, string methodName)
    {
        string prefix = "M:AsyncNotes.AsyncIO." + methodName;
        return docId == prefix // a method without parameters
            || docId.StartsWith(prefix + "(", StringComparison.Ordinal) || docId.StartsWith(prefix + "``", StringComparison.Ordinal);
    }

    private static IEnumerable<XElement> Docs()
    {
        string path = Path.ChangeExtension(Library.Location, ".xml");
        File.Exists(path).Should().BeTrue("the library generates its XML documentation");
        return XDocument.Load(path).Root!.Element("members")!.Elements("member");
    }
}
