using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncNotes.Analyzers;

/// <summary>AN0003: independent calls awaited one by one in a loop. Python's
/// <c>for url in urls: results.append(await fetch(url))</c> takes the sum of the calls' times where
/// <c>asyncio.gather</c> takes the longest; C#'s <c>foreach (var url in urls) results.Add(await FetchAsync(url, ct));</c>
/// does the same, and reads just as naturally.</summary>
/// <remarks>
/// <list type="bullet">
///   <item>Reported on a <c>foreach</c> (not <c>await foreach</c>) or <c>for</c> statement in an <c>async</c> method, local
///   function or lambda (the nearest enclosing function decides), at most once per loop,
///   when every await of its body (nested lambdas and local functions aside) awaits a call that reads the iteration
///   variable (or a local of the body computed from it: <c>var url = $"u/{id}"</c>), and at least one does.</item>
///   <item>Not reported when the iterations depend on each other, so that the sequence may be deliberate: a local or
///   parameter declared outside the body, or a field or property, is written in it (a carried result); the body leaves
///   the loop early (<c>break</c>, <c>return</c>, <c>yield</c>, <c>goto</c>); or it awaits something else as well
///   (a pacing <c>Task.Delay</c>, a task already started, an <c>await using</c> or <c>await foreach</c>).</item>
///   <item>Not reported when the order is the point or the receiver runs one call at a time: a sleep
///   (<c>Task.Delay</c>, <c>AsyncIO.SleepAsync</c>), items that are tasks already started (<c>await Check(task)</c>), or a
///   call that passes the item to a shared queue, channel writer, <c>PipeWriter</c> or resource with <c>DisposeAsync</c>
///   (a stream, a writer, a database connection or context, an <c>AsyncExitStack</c>; not a
///   <c>ThreadPoolExecutor</c>, which is built to run work concurrently).</item>
///   <item>Of nested loops, only the innermost one that qualifies is reported.</item>
///   <item>Informational: ordered side effects, or sparing a server, are reasons to await one at a time that the
///   analyzer cannot see. No analyzer of the BCL or the VSTHRD set reports sequential awaits in a loop.</item>
/// </list>
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SequentialAwaitInLoopAnalyzer : DiagnosticAnalyzer
{
    internal static readonly DiagnosticDescriptor Rule = new(
        DiagnosticIds.SequentialAwaitInLoop,
        title: "Independent calls are awaited one by one in a loop",
        messageFormat: "'{0}' is awaited once per item, one after another: if the items are independent, start them together with AsyncIO.GatherAsync or AsyncIO.MapAsync (with a limit)",
        category: "Performance",
        defaultSeverity: DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        description: "A loop that awaits a call per item waits for each call before starting the next, so it takes the sum "
            + "of their times. When the items do not depend on each other, GatherAsync (with maxConcurrency) or MapAsync "
            + "runs them together, in the time of the slowest. The Python equivalent is 'await' in a for loop where "
            + "'asyncio.gather' was meant. Informational: awaiting one at a time is sometimes intended.",
        helpLinkUri: HelpLink.For(DiagnosticIds.SequentialAwaitInLoop));

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var loops = new SequentialLoop(start.Compilation);
            start.RegisterOperationAction(c => AnalyzeLoop(c, (ILoopOperation)c.Operation, loops), OperationKind.Loop);
        });
    }

    private static void AnalyzeLoop(OperationAnalysisContext context, ILoopOperation loop, SequentialLoop loops)
    {
        if (Keyword(loop) is { } keyword
            && AsyncFunctions.IsInAsyncFunction(loop.Syntax, context.ContainingSymbol)
            && loops.AwaitedMethod(loop) is { } method)
        {
            context.ReportDiagnostic(Diagnostic.Create(Rule, keyword.GetLocation(), method));
        }
    }

    // The keyword to report on, for the loops this rule is about: foreach (not await foreach) and for.
    internal static SyntaxToken? Keyword(ILoopOperation loop) => loop switch
    {
        IForEachLoopOperation { IsAsynchronous: false, Syntax: CommonForEachStatementSyntax syntax } => syntax.ForEachKeyword,
        IForLoopOperation { Syntax: ForStatementSyntax syntax } => syntax.ForKeyword,
        _ => null,
    };
}
