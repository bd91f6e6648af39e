namespace AsyncNotes.Analyzers;

/// <summary>Where each diagnostic's page lives: docs/analyzers/&lt;ID&gt;.md in the repository.</summary>
internal static class HelpLink
{
    private const string Docs = "https://github.com/asyncnotes/AsyncNotes/blob/main/docs/analyzers/";

    public static string For(string id) => Docs + id + ".md";
}
