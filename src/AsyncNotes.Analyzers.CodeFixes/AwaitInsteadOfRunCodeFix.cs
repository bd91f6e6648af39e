using System.Composition;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncNotes.Analyzers;

/// <summary>The fix for AN0002: <c>AsyncIO.Run(main)</c> becomes <c>await main()</c>, and <c>AsyncIO.Run(() =&gt; FetchAsync(url))</c>
/// becomes <c>await FetchAsync(url)</c>.</summary>
/// <remarks>Offered only where it is mechanical: one argument (a call with loop options would drop them), a method group,
/// a delegate, or a lambda whose body is one expression; and only where <c>await</c> may be written.</remarks>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AwaitInsteadOfRunCodeFix))]
[Shared]
public sealed class AwaitInsteadOfRunCodeFix : SyntaxCodeFix
{
    /// <summary>Creates the fix.</summary>
    public AwaitInsteadOfRunCodeFix()
        : base(DiagnosticIds.RunInsideAsyncFunction, "Await the work instead of AsyncIO.Run")
    {
    }

    private protected override SyntaxNode? Fix(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax run
            || model.GetEnclosingSymbol(run.SpanStart, cancellationToken) is not { } containing
            || !AsyncFunctions.AwaitIsAllowedAt(run, containing)
            || AwaitedWork(run) is not { } work)
        {
            return null;
        }

        ExpressionSyntax awaited = SyntaxFactory.AwaitExpression(work.WithoutTrivia());
        if (run.Parent is not (ExpressionStatementSyntax or EqualsValueClauseSyntax or ArgumentSyntax or ReturnStatementSyntax
            or ArrowExpressionClauseSyntax or AssignmentExpressionSyntax or ParenthesizedExpressionSyntax or LambdaExpressionSyntax))
        {
            awaited = SyntaxFactory.ParenthesizedExpression(awaited);
        }

        return root.ReplaceNode(run, awaited.WithTriviaFrom(run));
    }

    // What to await: main() for a method group or delegate; the expression of `() => X` or `async () => await X`.
    private static ExpressionSyntax? AwaitedWork(InvocationExpressionSyntax run)
    {
        if (run.ArgumentList.Arguments.Count != 1)
        {
            return null;
        }

        return run.ArgumentList.Arguments[0].Expression switch
        {
            LambdaExpressionSyntax { ExpressionBody: { } body } lambda when IsParameterless(lambda) =>
                lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword)
                    ? (body as AwaitExpressionSyntax)?.Expression
                    : body,
            IdentifierNameSyntax or MemberAccessExpressionSyntax or GenericNameSyntax =>
                SyntaxFactory.InvocationExpression(run.ArgumentList.Arguments[0].Expression.WithoutTrivia()),
            _ => null,
        };
    }

    private static bool IsParameterless(LambdaExpressionSyntax lambda) =>
        lambda is ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 0 };
}
