using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncNotes.Analyzers;

/// <summary>Where code is known to run on an event loop: inside a lambda or anonymous method passed to
/// <c>AsyncIO.Run</c>. AN0007 and <see cref="CancelOnLoopSuppressor"/> ask it, so that the warning and the suppression
/// agree on every line.</summary>
/// <remarks>
/// <list type="bullet">
///   <item>Decided from the source alone: a lambda or anonymous method written as an argument of any overload of
///   <c>AsyncNotes.AsyncIO.Run</c>, and everything written inside it, at any depth (nested lambdas, local functions, a
///   <c>TaskGroup</c>'s or <c>CreateTask</c>'s delegates).</item>
///   <item>Not inside a lambda or anonymous method handed to the thread pool on the way (<c>Task.Run</c>,
///   <c>ThreadPool.QueueUserWorkItem</c>, <c>AsyncIO.ToThreadAsync</c>, <c>AsyncIO.RunInExecutorAsync</c>,
///   <c>ThreadPoolExecutor.Submit</c>): that code runs off the loop.</item>
///   <item>Not in a method of its own, even one that only a loop ever calls (<c>AsyncIO.Run(MainAsync)</c>): the
///   analyzers cannot see a method's callers.</item>
/// </list>
/// </remarks>
internal sealed class LoopLambdas
{
    // The methods whose delegate argument runs on the thread pool, by containing type.
    private static readonly (string Type, string[] Methods)[] OffLoop =
    [
        ("System.Threading.Tasks.Task", ["Run"]),
        ("System.Threading.ThreadPool", ["QueueUserWorkItem", "UnsafeQueueUserWorkItem"]),
        (AsyncIOMembers.AsyncIOTypeName, ["ToThreadAsync", "RunInExecutorAsync"]),
        ("AsyncNotes.ThreadPoolExecutor", ["Submit"]),
    ];

    private readonly INamedTypeSymbol _asyncIO;
    private readonly ImmutableArray<(INamedTypeSymbol Type, string[] Methods)> _offLoop;

    private LoopLambdas(Compilation compilation, INamedTypeSymbol asyncIO)
    {
        _asyncIO = asyncIO;
        _offLoop = [.. OffLoop
            .Select(entry => (Type: compilation.GetTypeByMetadataName(entry.Type), entry.Methods))
            .Where(entry => entry.Type is not null)
            .Select(entry => (entry.Type!, entry.Methods))];
    }

    /// <summary>The rule for <paramref name="compilation"/>, or <see langword="null"/> when it does not reference
    /// AsyncNotes (no loop, so nothing runs on one).</summary>
    public static LoopLambdas? For(Compilation compilation) =>
        compilation.GetTypeByMetadataName(AsyncIOMembers.AsyncIOTypeName) is { } asyncIO ? new LoopLambdas(compilation, asyncIO) : null;

    /// <summary>Whether <paramref name="node"/> is written inside a lambda or anonymous method passed to
    /// <c>AsyncIO.Run</c>, with no lambda handed to the thread pool between the two.</summary>
    public bool Contain(SyntaxNode node, SemanticModel model, CancellationToken cancellationToken)
    {
        foreach (AnonymousFunctionExpressionSyntax function in node.Ancestors().OfType<AnonymousFunctionExpressionSyntax>())
        {
            if (function.Parent is not ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax call } }
                || model.GetSymbolInfo(call, cancellationToken).Symbol is not IMethodSymbol method)
            {
                continue;
            }

            if (method.Name == "Run" && SymbolEqualityComparer.Default.Equals(method.ContainingType, _asyncIO))
            {
                return true;
            }

            if (_offLoop.Any(entry => SymbolEqualityComparer.Default.Equals(method.ContainingType, entry.Type) && entry.Methods.Contains(method.Name)))
            {
                return false;
            }
        }

        return false;
    }
}
