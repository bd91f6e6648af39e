using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncNotes.Analyzers;

/// <summary>Recognises calls to AsyncNotes' <c>AsyncIO</c> by symbol, never by name alone.</summary>
internal static class AsyncIOMembers
{
    public const string AsyncIOTypeName = "AsyncNotes.AsyncIO";

    /// <summary>Sets up an analyzer of calls to <c>AsyncIO.<paramref name="name"/></c> (every overload): in a compilation
    /// that references AsyncNotes, <paramref name="analyze"/> sees each such call; in one that does not, nothing runs.</summary>
    public static void OnCallsTo(AnalysisContext context, string name, Action<OperationAnalysisContext, IInvocationOperation> analyze)
    {
        context.RegisterCompilationStartAction(start =>
        {
            if (start.Compilation.GetTypeByMetadataName(AsyncIOTypeName) is not { } asyncIO)
            {
                return; // a project without AsyncNotes
            }

            start.RegisterOperationAction(
                c =>
                {
                    var call = (IInvocationOperation)c.Operation;
                    if (call.TargetMethod.Name == name && SymbolEqualityComparer.Default.Equals(call.TargetMethod.ContainingType, asyncIO))
                    {
                        analyze(c, call);
                    }
                },
                OperationKind.Invocation);
        });
    }
}
