using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncNotes.Analyzers;

/// <summary>AN0002: <c>AsyncIO.Run</c> called inside an async function, the first mistake of the notes' table
/// (<c>asyncio.run()</c> inside an <c>async def</c>). On an event loop it throws <see cref="System.InvalidOperationException"/>
/// at run time; off a loop it starts a second loop and blocks the calling thread until that loop's run ends (sync over
/// async). Either way <c>await</c> was meant.</summary>
/// <remarks>
/// <list type="bullet">
///   <item>Reported on every overload of <c>AsyncNotes.AsyncIO.Run</c> when the nearest function around the call is
///   <c>async</c> (method, local function or lambda).</item>
///   <item>Not reported in top-level statements, even ones that await: the program's entry point is where a run belongs.</item>
///   <item>Not reported in a synchronous method, even one an async method calls: the analyzer cannot see the caller
///   (the run-time check still throws there when the caller is on a loop).</item>
/// </list>
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RunInsideAsyncFunctionAnalyzer : DiagnosticAnalyzer
{
    internal static readonly DiagnosticDescriptor Rule = new(
        DiagnosticIds.RunInsideAsyncFunction,
        title: "Do not call AsyncIO.Run inside an async function: await instead",
        messageFormat: "AsyncIO.Run inside an async function blocks the thread until a second loop finishes (on an event loop it throws InvalidOperationException): await the work instead",
        category: "Reliability",
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "AsyncIO.Run is the program's entry point, like asyncio.run. Inside an async function it either throws (on a loop) "
            + "or blocks a thread on a nested loop (off one). Await the async method directly.",
        helpLinkUri: HelpLink.For(DiagnosticIds.RunInsideAsyncFunction));

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        AsyncIOMembers.OnCallsTo(context, "Run", Analyze);
    }

    private static void Analyze(OperationAnalysisContext context, IInvocationOperation invocation)
    {
        if (!AsyncFunctions.IsInTopLevelStatements(invocation.Syntax)
            && AsyncFunctions.IsInAsyncFunction(invocation.Syntax, context.ContainingSymbol))
        {
            context.ReportDiagnostic(Diagnostic.Create(Rule, invocation.Syntax.GetLocation()));
        }
    }
}
