using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncNotes.Analyzers;

/// <summary>AN0005: the task of <c>AsyncIO.CreateTask</c> thrown away, with neither <c>Forget()</c> nor an await. asyncio's
/// docs warn against <c>asyncio.create_task(coro())</c> without keeping a reference; on AsyncNotes' loop the task runs
/// (the loop keeps it), but if it fails, nobody hears of it until the run ends, and then only if the task has been
/// collected by then: in a long-running service, never.</summary>
/// <remarks>
/// <list type="bullet">
///   <item>Reported for a discard, <c>_ = AsyncIO.CreateTask(...)</c>, which silences CS4014 and VSTHRD110, and for a local
///   that receives the task and is never read.</item>
///   <item>Also reported when the task is one branch of a conditional, <c>??</c> or switch expression that is discarded,
///   and for a local assigned the task later and never read.</item>
///   <item>Not reported for a bare statement <c>AsyncIO.CreateTask(...);</c>: CS4014 reports it in an async function, and
///   VSTHRD110 (Microsoft.VisualStudio.Threading.Analyzers, where referenced) in a synchronous one.</item>
///   <item>Not reported for <c>TaskGroup.CreateTask</c>: the group awaits its children.</item>
/// </list>
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DiscardedCreateTaskAnalyzer : DiagnosticAnalyzer
{
    internal static readonly DiagnosticDescriptor Rule = new(
        DiagnosticIds.DiscardedCreateTask,
        title: "Do not discard the task of AsyncIO.CreateTask: call Forget() or await it",
        messageFormat: "The task of AsyncIO.CreateTask is discarded: if it fails, nobody hears of it until the run ends; call .Forget() to have the failure reported when it happens, or await the task",
        category: "Reliability",
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A discarded task's failure is reported only at the end of the run (asyncio's 'Task exception was never retrieved'), "
            + "and only once the task has been collected. Forget() reports it to the loop's exception handler as soon as the task fails.",
        helpLinkUri: HelpLink.For(DiagnosticIds.DiscardedCreateTask));

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        AsyncIOMembers.OnCallsTo(context, "CreateTask", Analyze);
    }

    private static void Analyze(OperationAnalysisContext context, IInvocationOperation invocation)
    {
        IOperation value = Consumed(invocation);
        bool discarded = value.Parent switch
        {
            ISimpleAssignmentOperation { Target: IDiscardOperation } => true,
            ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } assignment when assignment.Value == value =>
                IsNeverRead(local.Local, invocation.SemanticModel),
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => IsNeverRead(declarator.Symbol, invocation.SemanticModel),
            _ => false,
        };
        if (discarded)
        {
            context.ReportDiagnostic(Diagnostic.Create(Rule, invocation.Syntax.GetLocation()));
        }
    }

    // The value that carries the task on: past conversions, and past a conditional, `??` or switch expression that may
    // yield it (`_ = ready ? t : AsyncIO.CreateTask(...)` throws it away just the same).
    private static IOperation Consumed(IOperation operation)
    {
        while (true)
        {
            switch (operation.Parent)
            {
                case IConversionOperation conversion:
                    operation = conversion;
                    continue;
                case IConditionalOperation conditional when conditional.Condition != operation && conditional.Type is not null:
                    operation = conditional;
                    continue;
                case ICoalesceOperation coalesce:
                    operation = coalesce;
                    continue;
                case ISwitchExpressionArmOperation { Parent: ISwitchExpressionOperation switchExpression } arm when arm.Value == operation:
                    operation = switchExpression;
                    continue;
            }

            return operation;
        }
    }

    // A local is read when an identifier in its scope binds to it and is not the target of a plain assignment (the
    // declaration itself is not an identifier name; `t = null!` writes it, it does not read it).
    private static bool IsNeverRead(ILocalSymbol local, SemanticModel? model)
    {
        if (model is null || local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is not { } declaration)
        {
            return false;
        }

        SyntaxNode scope = declaration.FirstAncestorOrSelf<BlockSyntax>() ?? declaration.SyntaxTree.GetRoot();
        return !scope.DescendantNodes()
            .OfType<IdentifierNameSyntax>()
            .Any(name => name.Identifier.ValueText == local.Name
                && !(name.Parent is AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } write && write.Left == name)
                && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name).Symbol, local));
    }
}
