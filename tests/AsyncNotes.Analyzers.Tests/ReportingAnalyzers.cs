using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AsyncNotes.Analyzers.Tests;

/// <summary>The real analyzers behind a diagnostic ID, loaded from the assemblies this test project's own build ran
/// (<see cref="ReportingAnalyzerPaths"/>): the SDK's NetAnalyzers (CA1849) and Microsoft.VisualStudio.Threading.Analyzers
/// (VSTHRD103). A suppressor's test runs them beside it, so what it suppresses is what a user's build reports.</summary>
internal static class ReportingAnalyzers
{
    private static readonly Lazy<ImmutableArray<DiagnosticAnalyzer>> s_all = new(() =>
    [
        .. ReportingAnalyzerPaths.All.SelectMany(path =>
            new AnalyzerFileReference(path, Loader.Instance).GetAnalyzers(LanguageNames.CSharp)),
    ]);

    /// <summary>The analyzers that report any of <paramref name="ids"/>; fails when one of the IDs has none.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> For(params string[] ids)
    {
        ImmutableArray<DiagnosticAnalyzer> found = [.. s_all.Value.Where(a => a.SupportedDiagnostics.Any(d => ids.Contains(d.Id)))];
        foreach (string id in ids)
        {
            found.Should().Contain(a => a.SupportedDiagnostics.Any(d => d.Id == id), $"an analyzer of {id} is loaded from {string.Join(", ", ReportingAnalyzerPaths.All)}");
        }

        return found;
    }

    private sealed class Loader : IAnalyzerAssemblyLoader
    {
        public static readonly Loader Instance = new();

        public void AddDependencyLocation(string fullPath)
        {
        }

        // LoadFrom resolves an assembly's dependencies beside it (NetAnalyzers.CSharp needs NetAnalyzers); Roslyn itself is
        // the test's own, a newer version than the analyzers were built against.
        public Assembly LoadFromPath(string fullPath) => Assembly.LoadFrom(fullPath);
    }
}
