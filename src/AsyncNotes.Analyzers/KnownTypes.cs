using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace AsyncNotes.Analyzers;

/// <summary>Types the rules know by name, and the one base-class walk every rule uses to recognise them.</summary>
internal static class KnownTypes
{
    /// <summary>The types of <paramref name="metadataNames"/> that <paramref name="compilation"/> has; a missing one is left out.</summary>
    public static ImmutableArray<INamedTypeSymbol> Resolve(Compilation compilation, params string[] metadataNames) =>
        [.. metadataNames.Select(compilation.GetTypeByMetadataName).Where(type => type is not null).Select(type => type!)];

    /// <summary>Whether <paramref name="type"/> or one of its base classes is (the generic definition of) one of
    /// <paramref name="bases"/>.</summary>
    public static bool InheritsFromAny(ITypeSymbol? type, ImmutableArray<INamedTypeSymbol> bases)
    {
        for (ITypeSymbol? t = type; t is not null; t = t.BaseType)
        {
            if (bases.Contains(t.OriginalDefinition, SymbolEqualityComparer.Default))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="type"/> is <paramref name="baseType"/> or derives from it; false when either is
    /// <see langword="null"/> (a type the compilation does not have).</summary>
    public static bool InheritsFrom(ITypeSymbol? type, INamedTypeSymbol? baseType) =>
        baseType is not null && InheritsFromAny(type, [baseType]);
}
