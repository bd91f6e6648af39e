using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncNotes.Analyzers;

/// <summary>Where code runs inside an async function, and where <c>await</c> may be written: the one place every rule asks.</summary>
internal static class AsyncFunctions
{
    /// <summary>Whether the nearest function around <paramref name="node"/> (method, local function, lambda, top-level
    /// statements) is <c>async</c>. Accessors, property bodies and the clauses of a query expression are never async.</summary>
    public static bool IsInAsyncFunction(SyntaxNode? node, ISymbol containingSymbol) => Enclosing(node, containingSymbol, stopAtLock: false);

    /// <summary>Whether <paramref name="node"/> belongs to the program's top-level statements (not to a function inside them).</summary>
    public static bool IsInTopLevelStatements(SyntaxNode? node) =>
        node?.AncestorsAndSelf().FirstOrDefault(n => n is AnonymousFunctionExpressionSyntax or QueryBodySyntax or LocalFunctionStatementSyntax
            or BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or BasePropertyDeclarationSyntax or GlobalStatementSyntax) is GlobalStatementSyntax;

    /// <summary>Whether <c>await</c> is allowed at <paramref name="node"/>: in an async function, not inside a <c>lock</c>
    /// statement of that function, and nowhere in an unsafe context (an unsafe block, or an unsafe function or type around
    /// it: CS4004).</summary>
    public static bool AwaitIsAllowedAt(SyntaxNode? node, ISymbol containingSymbol) =>
        node is not null && !InUnsafeContext(node) && Enclosing(node, containingSymbol, stopAtLock: true);

    private static bool InUnsafeContext(SyntaxNode node) => node.AncestorsAndSelf().Any(n => n switch
    {
        UnsafeStatementSyntax => true,
        MemberDeclarationSyntax member => member.Modifiers.Any(SyntaxKind.UnsafeKeyword),
        LocalFunctionStatementSyntax local => local.Modifiers.Any(SyntaxKind.UnsafeKeyword),
        _ => false,
    });

    private static bool Enclosing(SyntaxNode? node, ISymbol containingSymbol, bool stopAtLock)
    {
        for (; node is not null; node = node.Parent)
        {
            switch (node)
            {
                case LockStatementSyntax when stopAtLock:
                    return false;
                case AnonymousFunctionExpressionSyntax lambda:
                    return lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword);
                case QueryBodySyntax:
                    // The clauses after a query's first `from` are compiled to synchronous lambdas; await is not allowed
                    // there (CS1995). The first `from`'s source is outside the body, in the enclosing function.
                    return false;
                case LocalFunctionStatementSyntax local:
                    return local.Modifiers.Any(SyntaxKind.AsyncKeyword);
                case BaseMethodDeclarationSyntax method:
                    return method.Modifiers.Any(SyntaxKind.AsyncKeyword);
                case AccessorDeclarationSyntax or BasePropertyDeclarationSyntax:
                    return false;
                case GlobalStatementSyntax:
                    // Top-level statements: async only when they already await (the compiler's Main is then async).
                    return containingSymbol is IMethodSymbol { IsAsync: true };
            }
        }

        return false;
    }
}
