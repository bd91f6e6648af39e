using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Verifier = AsyncNotes.Analyzers.Tests.Verify<AsyncNotes.Analyzers.CancelOnLoopSuppressor, Microsoft.CodeAnalysis.Testing.EmptyCodeFixProvider>;

namespace AsyncNotes.Analyzers.Tests;

// ANS0001, ANS0002: the real CA1849 and VSTHRD103 report Cancel() in async code; on an event loop they are suppressed.
public sealed class CancelOnLoopSuppressorTests
{
    private const string Usings = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using AsyncNotes;

        """;

    // As this repository's .editorconfig: CA1849 is off by default.
    private const string EditorConfig = """
        root = true

        [*.cs]
        dotnet_diagnostic.CA1849.severity = warning
        dotnet_diagnostic.VSTHRD103.severity = warning
        """;

    private static DiagnosticResult CA1849(int location, bool suppressed) =>
        new DiagnosticResult("CA1849", DiagnosticSeverity.Warning).WithLocation(location).WithIsSuppressed(suppressed);

    private static DiagnosticResult VSTHRD103(int location, bool suppressed) =>
        new DiagnosticResult("VSTHRD103", DiagnosticSeverity.Warning).WithLocation(location).WithIsSuppressed(suppressed);

    private static Task VerifyAsync(string source, params DiagnosticResult[] expected) =>
        Verifier.SuppressorAsync(source, EditorConfig, ReportingAnalyzers.For("CA1849", "VSTHRD103"), expected);

    [Fact]
    public async Task Cancel_InARunLambda_IsSuppressed_InAnAsyncMethod_ItIsNot()
    {
        const string Source = Usings + """
            class C
            {
                static void Main() => AsyncIO.Run(async () =>
                {
                    using var cts = new CancellationTokenSource();
                    await Task.Yield();
                    {|#0:cts.{|#1:Cancel|}()|};
                });

                static async Task OffTheLoopAsync(CancellationTokenSource cts)
                {
                    await Task.Yield();
                    {|#2:cts.{|#3:Cancel|}()|};
                }
            }
            """;

        await VerifyAsync(Source, CA1849(0, suppressed: true), VSTHRD103(1, suppressed: true), CA1849(2, suppressed: false), VSTHRD103(3, suppressed: false));
    }

    [Fact]
    public async Task Cancel_InLambdasNestedInARunLambda_IsSuppressed()
    {
        // A TaskGroup's child, an anonymous method and a local function, in the Run<T> overload with options. (VSTHRD103
        // does not report Cancel(bool); CA1849 does.)
        const string Source = Usings + """
            class C
            {
                static int Main() => AsyncIO.Run(async () =>
                {
                    using var cts = new CancellationTokenSource();
                    await TaskGroup.RunAsync(async tg =>
                    {
                        tg.CreateTask(async ct =>
                        {
                            await Task.Yield();
                            {|#0:cts.{|#1:Cancel|}()|};
                        });
                        await Task.Yield();
                    });
                    Func<Task> later = async delegate
                    {
                        await Task.Yield();
                        {|#2:cts.Cancel(throwOnFirstException: true)|};
                    };
                    await later();
                    await StopAsync();
                    return 0;

                    async Task StopAsync()
                    {
                        await Task.Yield();
                        {|#4:cts.{|#5:Cancel|}()|};
                    }
                }, EventLoopOptions.Virtual);
            }
            """;

        await VerifyAsync(
            Source,
            CA1849(0, suppressed: true),
            VSTHRD103(1, suppressed: true),
            CA1849(2, suppressed: true),
            CA1849(4, suppressed: true),
            VSTHRD103(5, suppressed: true));
    }

    [Fact]
    public async Task OnTheLoop_OtherReportsOfTheSameRules_AreNotSuppressed()
    {
        // The rules' advice stands for a blocking flush, and for another type's Cancel that has a CancelAsync.
        const string Source = Usings + """
            using System.IO;

            class Job
            {
                public void Cancel() { }
                public Task CancelAsync() => Task.CompletedTask;
            }

            class C
            {
                static void Main(Stream stream, Job job) => AsyncIO.Run(async () =>
                {
                    await Task.Yield();
                    {|#0:stream.{|#1:Flush|}()|};
                    {|#2:job.{|#3:Cancel|}()|};
                });
            }
            """;

        await VerifyAsync(
            Source,
            CA1849(0, suppressed: false),
            VSTHRD103(1, suppressed: false),
            CA1849(2, suppressed: false),
            VSTHRD103(3, suppressed: false));
    }

    [Fact]
    public async Task Cancel_InALambdaHandedToTheThreadPool_OrNotPassedToRun_IsNotSuppressed()
    {
        const string Source = Usings + """
            class C
            {
                static void Main()
                {
                    using var cts = new CancellationTokenSource();
                    Func<Task> main = async () =>
                    {
                        await Task.Yield();
                        {|#0:cts.{|#1:Cancel|}()|};
                    };
                    AsyncIO.Run(main);
                    AsyncIO.Run(async () => await Task.Run(async () =>
                    {
                        await Task.Yield();
                        {|#2:cts.{|#3:Cancel|}()|};
                    }));
                }
            }
            """;

        await VerifyAsync(
            Source,
            CA1849(0, suppressed: false),
            VSTHRD103(1, suppressed: false),
            CA1849(2, suppressed: false),
            VSTHRD103(3, suppressed: false));
    }

    [Fact]
    public void Suppressions_HaveTheirIdsAndTheReason()
    {
        var suppressor = new CancelOnLoopSuppressor();

        suppressor.SupportedSuppressions.Select(s => (s.Id, s.SuppressedDiagnosticId))
            .Should().Equal(("ANS0001", "CA1849"), ("ANS0002", "VSTHRD103"));
        suppressor.SupportedSuppressions.Should().AllSatisfy(s =>
            s.Justification.ToString(System.Globalization.CultureInfo.InvariantCulture).Should().Contain("loop's thread").And.Contain("AN0007"));
    }
}
