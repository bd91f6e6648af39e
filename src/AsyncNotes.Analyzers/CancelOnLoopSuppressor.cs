using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AsyncNotes.Analyzers;

/// <summary>ANS0001 and ANS0002: CA1849 and VSTHRD103 silenced on <c>CancellationTokenSource.Cancel()</c> where the code
/// runs on an event loop. Both rules report <c>Cancel()</c> in async code and ask for <c>await CancelAsync()</c>, good
/// advice on a UI thread; on an AsyncNotes loop it is the mistake AN0007 reports. Without this, a reader would have to
/// hide the right call behind a <c>#pragma</c> or a wrapper.</summary>
/// <remarks>
/// <list type="bullet">
///   <item>Suppresses a CA1849 or VSTHRD103 diagnostic whose location is a call to
///   <c>System.Threading.CancellationTokenSource.Cancel</c> (either overload) inside a lambda or anonymous method passed to
///   <c>AsyncNotes.AsyncIO.Run</c>: the place AN0007 reports <c>CancelAsync</c>, decided by the same rule.</item>
///   <item>Nothing else: those rules' other reports on the loop (a blocking <c>Wait</c>, <c>Result</c>, a synchronous
///   read), and <c>Cancel()</c> in a method of its own, which the analyzers cannot place on a loop (there, keep a
///   <c>#pragma</c> with the reason).</item>
/// </list>
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class CancelOnLoopSuppressor : DiagnosticSuppressor
{
    private const string Justification =
        "On an event loop, Cancel() runs the token's callbacks on the loop's thread, in order, before the next line; "
        + "CancelAsync would move them to the thread pool, off the loop (see AN0007).";

    internal static readonly SuppressionDescriptor CA1849 = new(SuppressionIds.CancelOnLoopCA1849, "CA1849", Justification);

    internal static readonly SuppressionDescriptor VSTHRD103 = new(SuppressionIds.CancelOnLoopVSTHRD103, "VSTHRD103", Justification);

    /// <inheritdoc/>
    public override ImmutableArray<SuppressionDescriptor> SupportedSuppressions { get; } = ImmutableArray.Create(CA1849, VSTHRD103);

    /// <inheritdoc/>
    public override void ReportSuppressions(SuppressionAnalysisContext context)
    {
        INamedTypeSymbol? source = context.Compilation.GetTypeByMetadataName("System.Threading.CancellationTokenSource");
        if (source is null || LoopLambdas.For(context.Compilation) is not { } loopLambdas)
        {
            return; // no Cancel, or no loop
        }

        foreach (Diagnostic diagnostic in context.ReportedDiagnostics)
        {
            SuppressionDescriptor? descriptor = diagnostic.Id switch
            {
                "CA1849" => CA1849,
                "VSTHRD103" => VSTHRD103,
                _ => null,
            };
            if (descriptor is null || diagnostic.Location.SourceTree is not { } tree)
            {
                continue;
            }

            SemanticModel model = context.GetSemanticModel(tree);
            if (CancelCallAt(tree.GetRoot(context.CancellationToken), diagnostic.Location, model, source, context.CancellationToken) is { } call
                && loopLambdas.Contain(call, model, context.CancellationToken))
            {
                context.ReportSuppression(Suppression.Create(descriptor, diagnostic));
            }
        }
    }

    // The call to CancellationTokenSource.Cancel that the diagnostic is about: the invocation at its location, or the
    // invocation whose callee (`cts.Cancel`, or just the name) is at its location.
    private static InvocationExpressionSyntax? CancelCallAt(SyntaxNode root, Location location, SemanticModel model, INamedTypeSymbol source, CancellationToken cancellationToken)
    {
        SyntaxNode node = root.FindNode(location.SourceSpan, getInnermostNodeForTie: true);
        InvocationExpressionSyntax? call = node.AncestorsAndSelf().OfType<InvocationExpressionSyntax>().FirstOrDefault();
        if (call is null || !(call.Span == location.SourceSpan || call.Expression.Span.Contains(location.SourceSpan)))
        {
            return null;
        }

        return model.GetSymbolInfo(call, cancellationToken).Symbol is IMethodSymbol { Name: "Cancel" } method
            && SymbolEqualityComparer.Default.Equals(method.ContainingType, source)
                ? call
                : null;
    }
}
