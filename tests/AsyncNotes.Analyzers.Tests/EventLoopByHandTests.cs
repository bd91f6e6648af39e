using Microsoft.CodeAnalysis.Testing;
using Verifier = AsyncNotes.Analyzers.Tests.Verify<AsyncNotes.Analyzers.RunInsideAsyncFunctionAnalyzer, Microsoft.CodeAnalysis.Testing.EmptyCodeFixProvider>;

namespace AsyncNotes.Analyzers.Tests;

// The notes' sixth mistake, "creating the event loop manually", needs no analyzer: against the package, a loop cannot be
// made by hand at all. (This harness compiles against the AsyncNotes assembly as a user's project does.)
public sealed class EventLoopByHandTests
{
    [Fact]
    public async Task NewEventLoop_DoesNotCompile_ForAUserOfThePackage()
    {
        const string Source = """
            using AsyncNotes;

            class C
            {
                void M()
                {
                    using var loop = new {|#0:EventLoop|}(EventLoopOptions.Virtual);
                }
            }
            """;

        await Verifier.AnalyzerAsync(Source, DiagnosticResult.CompilerError("CS1729").WithLocation(0).WithArguments("AsyncNotes.EventLoop", 1));
    }
}
