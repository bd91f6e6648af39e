using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace AsyncNotes.Analyzers.Tests;

/// <summary>Runs Roslyn's analyzer and code-fix harness against the framework this test runs on, so no reference-assembly
/// package is downloaded at test time: the snippets compile against the same BCL a user's project sees, and against the
/// AsyncNotes assembly built beside the analyzers (the rules about <c>AsyncIO.*</c> are checked against the real API).</summary>
internal static class Verify<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    private static readonly ImmutableArray<MetadataReference> s_framework = [.. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
        .Split(Path.PathSeparator)
        .Where(path => Path.GetFileName(path) is var name && (name.StartsWith("System.", StringComparison.Ordinal) || name is "System.dll" or "netstandard.dll" or "mscorlib.dll"))
        .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
        .Append(MetadataReference.CreateFromFile(typeof(AsyncNotes.AsyncIO).Assembly.Location))];

    /// <summary>The analyzer's (first) diagnostic at the span marked <c>{|#n:...|}</c>, with its message arguments.</summary>
    public static DiagnosticResult Diagnostic(int location, params object[] arguments) =>
        new DiagnosticResult(new TAnalyzer().SupportedDiagnostics[0]).WithLocation(location).WithArguments(arguments);

    /// <summary>Asserts that <paramref name="source"/> produces exactly <paramref name="expected"/>, and nothing else.</summary>
    public static Task AnalyzerAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<TAnalyzer, DefaultVerifier> { TestCode = source };
        Configure(test);
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>As <see cref="AnalyzerAsync"/>, for a program written as top-level statements.</summary>
    public static Task ProgramAnalyzerAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<TAnalyzer, DefaultVerifier> { TestCode = source };
        Configure(test);
        test.TestState.OutputKind = OutputKind.ConsoleApplication;
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Asserts the diagnostics of <paramref name="source"/>, and that applying every fix yields <paramref name="fixedSource"/>.</summary>
    public static Task CodeFixAsync(string source, string fixedSource, params DiagnosticResult[] expected)
    {
        var test = new CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier> { TestCode = source, FixedCode = fixedSource };
        Configure(test);
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Asserts that <paramref name="source"/>, analysed by <paramref name="reporters"/> and by
    /// <typeparamref name="TAnalyzer"/> (a suppressor) under <paramref name="editorConfig"/>, produces exactly
    /// <paramref name="expected"/>, each suppressed or not as it says.</summary>
    public static Task SuppressorAsync(string source, string editorConfig, ImmutableArray<DiagnosticAnalyzer> reporters, params DiagnosticResult[] expected)
    {
        var test = new WithReporters(reporters) { TestCode = source };
        Configure(test);
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", editorConfig));
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync(TestContext.Current.CancellationToken);
    }

    private static void Configure<TVerifier>(AnalyzerTest<TVerifier> test)
        where TVerifier : IVerifier, new()
    {
        test.ReferenceAssemblies = new ReferenceAssemblies("net10.0");
        test.SolutionTransforms.Add((solution, projectId) =>
        {
            var options = (Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions)solution.GetProject(projectId)!.CompilationOptions!;
            return solution.WithProjectCompilationOptions(projectId, options.WithAllowUnsafe(true));
        });
        test.TestState.AdditionalReferences.AddRange(s_framework);
        if (test is CodeFixTest<TVerifier> fix)
        {
            fix.FixedState.AdditionalReferences.AddRange(s_framework);
        }
    }

    // The analyzer under test runs beside others: a suppressor needs the diagnostics it suppresses reported.
    private sealed class WithReporters(ImmutableArray<DiagnosticAnalyzer> reporters) : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
    {
        protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() => [.. base.GetDiagnosticAnalyzers(), .. reporters];
    }
}
