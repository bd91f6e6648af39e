using System.Composition;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
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
public sealed class ForgetInsteadOfDiscardCodeFix : SyntaxCodeFix
{
    /// <summary>Creates the fix.</summary>
    public ForgetInsteadOfDiscardCodeFix()
        : base(DiagnosticIds.DiscardedCreateTask, "Call Forget() so a failure is reported when it happens")
    {
    }

    private protected override SyntaxNode? Fix(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax create
            || create.Parent is not AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "_" }, Parent: ExpressionStatementSyntax } discard)
        {
            return null;
        }

        InvocationExpressionSyntax forget = SyntaxFactory.InvocationExpression(
            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, create.WithoutTrivia(), SyntaxFactory.IdentifierName("Forget")));
        SyntaxNode newRoot = root.ReplaceNode(discard, forget.WithTriviaFrom(discard));

        // Forget is an extension of the AsyncNotes namespace: in scope exactly when its class is.
        bool forgetInScope = model.LookupNamespacesAndTypes(create.SpanStart, name: "TaskForgetExtensions").Any();
        return !forgetInScope && newRoot is CompilationUnitSyntax unit
            ? unit.AddUsings(SyntaxFactory.UsingDirective(SyntaxFactory.ParseName("AsyncNotes")))
            : newRoot;
    }
}
