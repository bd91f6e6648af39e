using AsyncNotes.Tests;
using Verifier = AsyncNotes.Analyzers.Tests.Verify<AsyncNotes.Analyzers.CancelAsyncOnLoopAnalyzer, AsyncNotes.Analyzers.CancelInsteadOfCancelAsyncCodeFix>;

namespace AsyncNotes.Analyzers.Tests;

// AN0007: CancellationTokenSource.CancelAsync on an event loop, where Cancel() was meant (asyncio's task.cancel() runs the
// callbacks on the loop).
public sealed class CancelAsyncOnLoopTests
{
    private const string Usings = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using AsyncNotes;

        """;

    [Fact]
    public async Task AwaitedCancelAsync_InARunLambda_IsReported_AndFixedToCancel()
    {
        const string Source = Usings + """
            class C
            {
                static void Main() => AsyncIO.Run(async () =>
                {
                    using var cts = new CancellationTokenSource();
                    await Task.Yield();
                    // stop the children
                    await {|#0:cts.CancelAsync()|}; // now
                    await {|#1:cts.CancelAsync()|}.ConfigureAwait(false);
                });
            }
            """;
        const string Fixed = Usings + """
            class C
            {
                static void Main() => AsyncIO.Run(async () =>
                {
                    using var cts = new CancellationTokenSource();
                    await Task.Yield();
                    // stop the children
                    cts.Cancel(); // now
                    cts.Cancel();
                });
            }
            """;

        await Verifier.CodeFixAsync(Source, Fixed, Verifier.Diagnostic(0), Verifier.Diagnostic(1));
    }

    [Fact]
    public async Task CancelAsync_InLambdasNestedInARunLambda_IsReported()
    {
        // A TaskGroup's child, a CreateTask delegate, an anonymous method, a local function: all written inside the run.
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
                            await {|#0:cts.CancelAsync()|};
                        });
                        await Task.Yield();
                    });
                    await AsyncIO.CreateTask(async ct => await {|#1:cts.CancelAsync()|});
                    Func<Task> later = async delegate { await {|#2:cts.CancelAsync()|}; };
                    await later();
                    await StopAsync();
                    return 0;

                    async Task StopAsync() => await {|#3:cts.CancelAsync()|};
                }, EventLoopOptions.Virtual);
            }
            """;

        await Verifier.AnalyzerAsync(Source, Verifier.Diagnostic(0), Verifier.Diagnostic(1), Verifier.Diagnostic(2), Verifier.Diagnostic(3));
    }

    [Fact]
    public async Task CancelAsync_WhoseTaskIsKept_IsReported_WithoutAFix()
    {
        // Cancel() returns no task: where the task is used, the author rewrites the line.
        const string Source = Usings + """
            class C
            {
                static void Main() => AsyncIO.Run(async () =>
                {
                    using var cts = new CancellationTokenSource();
                    Task cancelled = {|#0:cts.CancelAsync()|};
                    await cancelled;
                });
            }
            """;

        await Verifier.CodeFixAsync(Source, Source, Verifier.Diagnostic(0));
    }

    [Fact]
    public async Task CancelAsync_OffTheLoop_IsNotReported()
    {
        // A method of its own (the analyzer cannot see its callers), a lambda that is not Run's argument, and a lambda
        // inside the run that is handed to the thread pool.
        const string Source = Usings + """
            class C
            {
                static async Task StopAsync(CancellationTokenSource cts) => await cts.CancelAsync();

                static void Main()
                {
                    using var cts = new CancellationTokenSource();
                    Func<Task> main = async () => await cts.CancelAsync();
                    AsyncIO.Run(main);
                    AsyncIO.Run(async () =>
                    {
                        await Task.Run(async () => await cts.CancelAsync());
                        await AsyncIO.ToThreadAsync(() => cts.CancelAsync().Wait());
                    });
                }
            }
            """;

        await Verifier.AnalyzerAsync(Source);
    }

    [Fact]
    public async Task Cancel_AndAnotherTypesCancelAsync_AreNotReported()
    {
        const string Source = Usings + """
            class Job
            {
                public Task CancelAsync() => Task.CompletedTask;
            }

            class C
            {
                static void Main() => AsyncIO.Run(async () =>
                {
                    using var cts = new CancellationTokenSource();
                    cts.Cancel();
                    cts.Cancel(throwOnFirstException: true);
                    await new Job().CancelAsync();
                });
            }
            """;

        await Verifier.AnalyzerAsync(Source);
    }

    [Fact]
    public void Rule_HasItsIdSeverityAndHelpPage()
    {
        var rule = CancelAsyncOnLoopAnalyzer.Rule;

        rule.Id.Should().Be("AN0007");
        rule.DefaultSeverity.Should().Be(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning);
        rule.Category.Should().Be("Reliability");
        rule.HelpLinkUri.Should().EndWith("docs/analyzers/AN0007.md");
        File.Exists(Path.Combine(Repository.Root(), "docs", "analyzers", "AN0007.md")).Should().BeTrue("the help link points at a page that exists");
    }
}
