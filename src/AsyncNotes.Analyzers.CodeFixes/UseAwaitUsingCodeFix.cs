using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;

namespace AsyncNotes.Analyzers;

/// <summary>The fix for AN0001: puts <c>await</c> before the <c>using</c>, in a <c>using</c> statement and a <c>using</c>
/// declaration alike.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseAwaitUsingCodeFix))]
[Shared]
public sealed class UseAwaitUsingCodeFix : CodeFixProvider
{
    private const string Title = "Use 'await using'";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.UseAwaitUsing);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            SyntaxToken usingKeyword = root.FindToken(diagnostic.Location.SourceSpan.Start);
            if (usingKeyword.IsKind(SyntaxKind.UsingKeyword))
            {
                context.RegisterCodeFix(
                    CodeAction.Create(Title, ct => AddAwaitAsync(context.Document, root, usingKeyword, ct), equivalenceKey: Title),
                    diagnostic);
            }
        }
    }

    private static Task<Document> AddAwaitAsync(Document document, SyntaxNode root, SyntaxToken usingKeyword, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();

        // `using` keeps its place and its trailing trivia; `await ` takes over its leading trivia (indentation, comments).
        SyntaxToken awaitKeyword = SyntaxFactory.Token(usingKeyword.LeadingTrivia, SyntaxKind.AwaitKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));
        SyntaxNode statement = usingKeyword.Parent!;
        SyntaxNode fixedStatement = statement switch
        {
            Microsoft.CodeAnalysis.CSharp.Syntax.UsingStatementSyntax s =>
                s.WithAwaitKeyword(awaitKeyword).WithUsingKeyword(usingKeyword.WithLeadingTrivia()),
            Microsoft.CodeAnalysis.CSharp.Syntax.LocalDeclarationStatementSyntax d =>
                d.WithAwaitKeyword(awaitKeyword).WithUsingKeyword(usingKeyword.WithLeadingTrivia()),
            _ => statement,
        };
        return Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(statement, fixedStatement)));
    }
}
