using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace AsyncNotes.Analyzers;

/// <summary>What every AsyncNotes code fix shares: one diagnostic ID, batch fix-all, and a fix computed from the document's
/// syntax root and semantic model at the diagnostic's place. A subclass says only whether it can fix that place, and how.</summary>
public abstract class SyntaxCodeFix : CodeFixProvider
{
    private readonly string _title;

    /// <summary>Creates the fix for diagnostic <paramref name="id"/>, offered under <paramref name="title"/>.</summary>
    private protected SyntaxCodeFix(string id, string title)
    {
        _title = title;
        FixableDiagnosticIds = ImmutableArray.Create(id);
    }

    /// <inheritdoc/>
    public sealed override ImmutableArray<string> FixableDiagnosticIds { get; }

    /// <inheritdoc/>
    public sealed override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        SemanticModel? model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (Fix(root, model, diagnostic, context.CancellationToken) is { } newRoot)
            {
                Document document = context.Document;
                context.RegisterCodeFix(
                    CodeAction.Create(_title, _ => Task.FromResult(document.WithSyntaxRoot(newRoot)), equivalenceKey: _title),
                    diagnostic);
            }
        }
    }

    /// <summary>The root with <paramref name="diagnostic"/> fixed, or <see langword="null"/> where no mechanical fix applies
    /// (no fix is then offered).</summary>
    private protected abstract SyntaxNode? Fix(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken);
}
