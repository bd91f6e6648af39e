using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncNotes.Analyzers;

/// <summary>AN0001: <c>using</c> on a resource that has <c>DisposeAsync</c>, inside an async function. Python's
/// <c>with</c> on an object that only supports <c>async with</c> fails at once; C#'s <c>using</c> compiles whenever the type
/// also has a synchronous <c>Dispose</c> (<c>FileStream</c>, <c>DbConnection</c>, <c>StreamWriter</c>, ...), and that
/// <c>Dispose</c> blocks the thread (on an event loop, every task) on the flush or close that <c>DisposeAsync</c> would
/// have awaited.</summary>
/// <remarks>
/// <list type="bullet">
///   <item>Reported only where <c>await using</c> is allowed: in an <c>async</c> method, local function or lambda, outside
///   a <c>lock</c> statement and an <c>unsafe</c> block.</item>
///   <item>Not reported for types whose <c>Dispose</c> does no I/O and never blocks, and their subclasses:
///   <see cref="System.IO.MemoryStream"/>, <see cref="System.IO.StringWriter"/>,
///   timers (<c>ITimer</c>, <see cref="System.Threading.Timer"/>), and AsyncNotes'
///   <c>AsyncReleaser</c> (the permit of <c>using (await sem.AcquireAsync())</c>).</item>
///   <item>No analyzer of the BCL or the VSTHRD set reports this (CA1849 and VSTHRD103 look at calls, not at
///   <c>using</c>).</item>
/// </list>
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UseAwaitUsingAnalyzer : DiagnosticAnalyzer
{
    // Types with DisposeAsync whose Dispose does no I/O and never blocks: `using` is right for them. (A timer's Dispose
    // returns at once; its DisposeAsync also waits for a callback already running, a different promise, not a faster one.)
    private static readonly string[] SynchronousByDesign =
        ["System.IO.MemoryStream", "System.IO.StringWriter", "System.Threading.ITimer", "System.Threading.Timer", "AsyncNotes.AsyncReleaser"];

    internal static readonly DiagnosticDescriptor Rule = new(
        DiagnosticIds.UseAwaitUsing,
        title: "Use 'await using' for a resource with DisposeAsync in an async function",
        messageFormat: "'{0}' has DisposeAsync: use 'await using' here; 'using' calls its synchronous Dispose, which blocks the thread (on an event loop, every task)",
        category: "Reliability",
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Inside an async function, 'using' on a type that implements both IDisposable and IAsyncDisposable compiles, "
            + "and disposes it with a blocking call. 'await using' awaits DisposeAsync instead. The Python equivalent is "
            + "'async with' where 'with' was written.",
        helpLinkUri: HelpLink.For(DiagnosticIds.UseAwaitUsing));

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            INamedTypeSymbol? asyncDisposable = start.Compilation.GetTypeByMetadataName("System.IAsyncDisposable");
            if (asyncDisposable is null)
            {
                return; // a framework without IAsyncDisposable has no await using either
            }

            var resources = new AsyncDisposableTypes(start.Compilation, asyncDisposable, KnownTypes.Resolve(start.Compilation, SynchronousByDesign));
            start.RegisterOperationAction(c => AnalyzeUsing(c, (IUsingOperation)c.Operation, resources), OperationKind.Using);
            start.RegisterOperationAction(
                c => AnalyzeUsingDeclaration(c, (IUsingDeclarationOperation)c.Operation, resources), OperationKind.UsingDeclaration);
        });
    }

    private static void AnalyzeUsing(OperationAnalysisContext context, IUsingOperation operation, AsyncDisposableTypes resources)
    {
        if (operation.IsAsynchronous || operation.Syntax is not UsingStatementSyntax syntax)
        {
            return;
        }

        ITypeSymbol? type = operation.Resources switch
        {
            IVariableDeclarationGroupOperation group => FirstDeclaredType(group, resources),
            { Type: { } resourceType } when resources.Contains(resourceType) => resourceType,
            _ => null,
        };
        Report(context, syntax.UsingKeyword, type);
    }

    private static void AnalyzeUsingDeclaration(OperationAnalysisContext context, IUsingDeclarationOperation operation, AsyncDisposableTypes resources)
    {
        if (operation.IsAsynchronous || operation.Syntax is not LocalDeclarationStatementSyntax syntax)
        {
            return;
        }

        Report(context, syntax.UsingKeyword, FirstDeclaredType(operation.DeclarationGroup, resources));
    }

    private static void Report(OperationAnalysisContext context, SyntaxToken usingKeyword, ITypeSymbol? type)
    {
        if (type is not null && AsyncFunctions.AwaitIsAllowedAt(usingKeyword.Parent, context.ContainingSymbol))
        {
            context.ReportDiagnostic(Diagnostic.Create(Rule, usingKeyword.GetLocation(), type.WithNullableAnnotation(NullableAnnotation.None).ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)));
        }
    }

    private static ITypeSymbol? FirstDeclaredType(IVariableDeclarationGroupOperation group, AsyncDisposableTypes resources)
    {
        foreach (IVariableDeclarationOperation declaration in group.Declarations)
        {
            foreach (IVariableDeclaratorOperation declarator in declaration.Declarators)
            {
                if (resources.Contains(declarator.Symbol.Type))
                {
                    return declarator.Symbol.Type;
                }
            }
        }

        return null;
    }

    // A resource type `await using` accepts: one with an implicit conversion to IAsyncDisposable (its interfaces, a type
    // parameter's constraints), unless it or a base class is synchronous by design.
    private sealed class AsyncDisposableTypes(Compilation compilation, INamedTypeSymbol asyncDisposable, ImmutableArray<INamedTypeSymbol> excluded)
    {
        public bool Contains(ITypeSymbol type) =>
            type.TypeKind is not TypeKind.Dynamic and not TypeKind.Error
            && !KnownTypes.InheritsFromAny(type, excluded)
            && compilation.ClassifyConversion(type, asyncDisposable).IsImplicit;
    }
}
