using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncNotes.Analyzers;

/// <summary>AN0007: <c>CancellationTokenSource.CancelAsync()</c> on an event loop. <c>CancelAsync</c> runs the token's
/// callbacks on the thread pool, off the loop's one thread: a child's cleanup, a timer's disposal, any <c>Register</c>
/// then runs in parallel with the loop and sees no loop, and on a virtual loop the clock may jump to the next timer while
/// the callbacks wait for a pool thread. <c>Cancel()</c> runs them on the loop's thread, in order, before the next line,
/// as asyncio's <c>task.cancel()</c> does. CA1849 and VSTHRD103 advise the opposite in async code;
/// <see cref="CancelOnLoopSuppressor"/> silences them where this rule applies.</summary>
/// <remarks>
/// <list type="bullet">
///   <item>Reported on a call to <c>System.Threading.CancellationTokenSource.CancelAsync</c>, awaited or not, inside a
///   lambda or anonymous method passed to any overload of <c>AsyncNotes.AsyncIO.Run</c>, at any depth (nested lambdas
///   and local functions too: a <c>TaskGroup</c>'s or <c>CreateTask</c>'s delegates).</item>
///   <item>Not reported inside a lambda handed to the thread pool on the way (<c>Task.Run</c>,
///   <c>AsyncIO.ToThreadAsync</c>, ...): that code runs off the loop, where <c>CancelAsync</c> is fine.</item>
///   <item>Not reported in a method of its own, even one that only runs on a loop (<c>AsyncIO.Run(MainAsync)</c>, or an
///   async method a <c>Run</c> lambda calls): the analyzer cannot see a method's callers. The decision is the source's
///   shape only, so a false positive is unlikely and a miss is possible.</item>
///   <item>Not reported for <c>Cancel()</c> (either overload): that is the fix.</item>
/// </list>
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class CancelAsyncOnLoopAnalyzer : DiagnosticAnalyzer
{
    internal static readonly DiagnosticDescriptor Rule = new(
        DiagnosticIds.CancelAsyncOnLoop,
        title: "Do not call CancelAsync on an event loop: call Cancel()",
        messageFormat: "On an event loop, CancelAsync runs the token's callbacks on the thread pool, off the loop: call Cancel(), which runs them here, on the loop's thread, in order",
        category: "Reliability",
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "CancellationTokenSource.CancelAsync queues the token's callbacks to the thread pool. On an AsyncNotes "
            + "event loop they then run in parallel with the loop and see no loop, and on a virtual loop the clock may jump "
            + "while they wait for a thread. Cancel() runs them on the loop's thread, before the next line, as asyncio's "
            + "task.cancel() does. CA1849 and VSTHRD103, which ask for CancelAsync in async code, are suppressed for "
            + "Cancel() there (ANS0001, ANS0002).",
        helpLinkUri: HelpLink.For(DiagnosticIds.CancelAsyncOnLoop));

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            INamedTypeSymbol? source = start.Compilation.GetTypeByMetadataName("System.Threading.CancellationTokenSource");
            if (source is null || LoopLambdas.For(start.Compilation) is not { } loopLambdas)
            {
                return; // no CancelAsync, or no loop
            }

            start.RegisterOperationAction(c => Analyze(c, (IInvocationOperation)c.Operation, source, loopLambdas), OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, IInvocationOperation invocation, INamedTypeSymbol source, LoopLambdas loopLambdas)
    {
        if (invocation.TargetMethod.Name == "CancelAsync"
            && SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType, source)
            && invocation.SemanticModel is { } model
            && loopLambdas.Contain(invocation.Syntax, model, context.CancellationToken))
        {
            context.ReportDiagnostic(Diagnostic.Create(Rule, invocation.Syntax.GetLocation()));
        }
    }
}
