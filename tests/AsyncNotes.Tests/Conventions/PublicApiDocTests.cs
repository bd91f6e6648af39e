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

    private static IEnumerable<XElement> Docs()
    {
        string path = Path.ChangeExtension(Library.Location, ".xml");
        File.Exists(path).Should().BeTrue("the library generates its XML documentation");
        return XDocument.Load(path).Root!.Element("members")!.Elements("member");
    }
}
