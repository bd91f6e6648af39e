using System.Composition;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncNotes.Analyzers;

/// <summary>The fix for AN0007: <c>await cts.CancelAsync();</c> becomes <c>cts.Cancel();</c>, and so does
/// <c>await cts.CancelAsync().ConfigureAwait(false);</c>.</summary>
/// <remarks>Offered only for an awaited call that is a statement of its own: a task that is kept, passed on or returned
/// has a reader who expects a task, and <c>Cancel()</c> returns none.</remarks>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(CancelInsteadOfCancelAsyncCodeFix))]
[Shared]
public sealed class CancelInsteadOfCancelAsyncCodeFix : SyntaxCodeFix
{
    /// <summary>Creates the fix.</summary>
    public CancelInsteadOfCancelAsyncCodeFix()
        : base(DiagnosticIds.CancelAsyncOnLoop, "Call Cancel(), which runs the callbacks on the loop")
    {
    }

    private protected override SyntaxNode? Fix(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0 } cancelAsync
            || AwaitStatement(cancelAsync) is not { } statement)
        {
            return null;
        }

        ExpressionSyntax? cancel = cancelAsync.Expression switch
        {
            MemberAccessExpressionSyntax access => access.WithName(SyntaxFactory.IdentifierName("Cancel").WithTriviaFrom(access.Name)),
            IdentifierNameSyntax name => SyntaxFactory.IdentifierName("Cancel").WithTriviaFrom(name),
            _ => null,
        };
        if (cancel is null)
        {
            return null;
        }

        // The statement keeps its own trivia: the await's leading trivia (indentation, comments) moves to the call.
        ExpressionSyntax call = cancelAsync.WithExpression(cancel).WithoutTrivia().WithLeadingTrivia(statement.Expression.GetLeadingTrivia());
        return root.ReplaceNode(statement, statement.WithExpression(call));
    }

    // `await x.CancelAsync();` or `await x.CancelAsync().ConfigureAwait(...);` as a statement of its own.
    private static ExpressionStatementSyntax? AwaitStatement(InvocationExpressionSyntax cancelAsync)
    {
        SyntaxNode awaited = cancelAsync.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait", Parent: InvocationExpressionSyntax configured } access
            && access.Expression == cancelAsync
                ? configured
                : cancelAsync;
        return awaited.Parent is AwaitExpressionSyntax { Parent: ExpressionStatementSyntax statement } ? statement : null;
    }
}
