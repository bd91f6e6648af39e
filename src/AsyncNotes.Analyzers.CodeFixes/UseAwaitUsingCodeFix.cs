using System.Composition;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncNotes.Analyzers;

/// <summary>The fix for AN0001: puts <c>await</c> before the <c>using</c>, in a <c>using</c> statement and a <c>using</c>
/// declaration alike.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseAwaitUsingCodeFix))]
[Shared]
public sealed class UseAwaitUsingCodeFix : SyntaxCodeFix
{
    /// <summary>Creates the fix.</summary>
    public UseAwaitUsingCodeFix()
        : base(DiagnosticIds.UseAwaitUsing, "Use 'await using'")
    {
    }

    private protected override SyntaxNode? Fix(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        SyntaxToken usingKeyword = root.FindToken(diagnostic.Location.SourceSpan.Start);
        if (!usingKeyword.IsKind(SyntaxKind.UsingKeyword))
        {
            return null;
        }

        // `using` keeps its place and its trailing trivia; `await ` takes over its leading trivia (indentation, comments).
        SyntaxToken awaitKeyword = SyntaxFactory.Token(usingKeyword.LeadingTrivia, SyntaxKind.AwaitKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));
        SyntaxNode statement = usingKeyword.Parent!;
        SyntaxNode? fixedStatement = statement switch
        {
            UsingStatementSyntax s => s.WithAwaitKeyword(awaitKeyword).WithUsingKeyword(usingKeyword.WithLeadingTrivia()),
            LocalDeclarationStatementSyntax d => d.WithAwaitKeyword(awaitKeyword).WithUsingKeyword(usingKeyword.WithLeadingTrivia()),
            _ => null,
        };
        return fixedStatement is null ? null : root.ReplaceNode(statement, fixedStatement);
    }
}
