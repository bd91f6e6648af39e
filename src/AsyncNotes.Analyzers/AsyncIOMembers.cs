using Microsoft.CodeAnalysis;

namespace AsyncNotes.Analyzers;

/// <summary>Recognises calls to AsyncNotes' <c>AsyncIO</c> by symbol, never by name alone.</summary>
internal static class AsyncIOMembers
{
    public const string AsyncIOTypeName = "AsyncNotes.AsyncIO";

    /// <summary>Whether <paramref name="method"/> is one of the overloads of <c>AsyncIO.<paramref name="name"/></c>.</summary>
    public static bool Is(IMethodSymbol method, INamedTypeSymbol asyncIO, string name) =>
        method.Name == name && SymbolEqualityComparer.Default.Equals(method.ContainingType, asyncIO);
}
