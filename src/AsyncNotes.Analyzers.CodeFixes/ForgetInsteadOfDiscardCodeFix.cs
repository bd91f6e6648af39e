using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncNotes.Analyzers;

/// <summary>The fix for AN0005: <c>_ = AsyncIO.CreateTask(work);</c> becomes <c>AsyncIO.CreateTask(work).Forget();</c>, with
/// <c>using AsyncNotes;</c> added when <c>Forget</c> is not in scope.</summary>
/// <remarks>Offered for the discard only: for a local that is never read, whether to await it or forget it is the
/// author's choice.</remarks>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ForgetInsteadOfDiscardCodeFix))]
[Shared]
public sealed class ForgetInsteadOfDiscardCodeFix : CodeFixProvider
{
    private const string Title = "Call Forget() so a failure is reported when it happens";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.DiscardedCreateTask);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        SemanticModel? model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is InvocationExpressionSyntax create
                && create.Parent is AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "_" } } discard
                && discard.Parent is ExpressionStatementSyntax)
            {
                // Forget is an extension of the AsyncNotes namespace: in scope exactly when its class is.
                bool forgetInScope = model.LookupNamespacesAndTypes(create.SpanStart, name: "TaskForgetExtensions").Any();
                context.RegisterCodeFix(
                    CodeAction.Create(Title, ct => ReplaceAsync(context.Document, root, discard, create, forgetInScope, ct), equivalenceKey: Title),
                    diagnostic);
            }
        }
    }

    private static Task<Document> ReplaceAsync(
        Document document, SyntaxNode root, AssignmentExpressionSyntax discard, InvocationExpressionSyntax create, bool forgetInScope, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        InvocationExpressionSyntax forget = SyntaxFactory.InvocationExpression(
            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, create.WithoutTrivia(), SyntaxFactory.IdentifierName("Forget")));
        SyntaxNode newRoot = root.ReplaceNode(discard, forget.WithTriviaFrom(discard));
        if (!forgetInScope && newRoot is CompilationUnitSyntax unit)
        {
            newRoot = unit.AddUsings(SyntaxFactory.UsingDirective(SyntaxFactory.ParseName("AsyncNotes")));
        }

        return Task.FromResult(document.WithSyntaxRoot(newRoot));
    }
}
