using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncNotes.Analyzers;

/// <summary>AN0004: a fan-out over a source of unknown size, with no limit on how many run at once. The notes' "gather with
/// a Semaphore to cap concurrency, otherwise you exhaust file descriptors or hit rate limits": Python's
/// <c>await asyncio.gather(*[fetch(u) for u in urls])</c> with ten thousand urls is C#'s
/// <c>await Task.WhenAll(urls.Select(FetchAsync))</c>, which starts ten thousand requests in the same instant.</summary>
/// <remarks>
/// <list type="bullet">
///   <item>Reported on <c>Task.WhenAll</c> and <c>AsyncIO.GatherAsync</c> whose tasks (or work) argument is
///   <c>Enumerable.Select(source, selector)</c>, bare, in <c>.ToArray()</c>/<c>.ToList()</c>, or spread in a collection
///   expression; for the work overloads of <c>GatherAsync</c> only without <c>maxConcurrency</c> (absent, or the constant
///   <see langword="null"/>).</item>
///   <item>Not reported when the source's size is known and small: an array or collection written out element by element
///   (there, or as the initializer of a <c>readonly</c> array field or of an array local that is never assigned again),
///   or <c>Enumerable.Range</c>/<c>Enumerable.Repeat</c> with a constant count of at most <see cref="SmallCount"/>.</item>
///   <item>Not reported when the selector is a lambda that starts nothing (no call, no creation, no await: it picks
///   tasks that exist already, <c>sources.Select(s =&gt; s.Task)</c>).</item>
///   <item>Not reported when the selector is a lambda that awaits a limiter (<c>SemaphoreSlim.WaitAsync</c>, AsyncNotes'
///   <c>AcquireAsync</c> on a <c>SemaphoreSlim</c> or an <c>AsyncSemaphore</c>): the notes' <c>async with sem:</c> inside
///   each task. A method group is reported: the analyzer cannot see inside it.</item>
///   <item>Not reported: explicit tasks (<c>Task.WhenAll(a, b, c)</c>), and <c>Parallel.ForEachAsync</c>, which is bounded
///   by default.</item>
///   <item>Info, not a warning: the real size of the source is unknown here, and many such fan-outs are small.</item>
/// </list>
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnboundedFanOutAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The largest constant count of <c>Enumerable.Range</c> or <c>Enumerable.Repeat</c> taken as a small source:
    /// a hundred requests at once is within what a connection pool, a file-descriptor limit or a server's rate limit
    /// usually absorbs; beyond it, the count reads as "as many as there are".</summary>
    internal const int SmallCount = 100;

    internal static readonly DiagnosticDescriptor Rule = new(
        DiagnosticIds.UnboundedFanOut,
        title: "Fan-out over a source of unknown size with no limit on concurrency",
        messageFormat: "'{0}' runs one operation per item of '{1}', all at once, with no limit: cap it (maxConcurrency on GatherAsync or MapAsync, or a semaphore in the lambda)",
        category: "Reliability",
        defaultSeverity: DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        description: "Task.WhenAll(source.Select(...)) and GatherAsync over one operation per item start every operation at "
            + "once: with a large source that exhausts sockets or file descriptors, or hits a server's rate limit. Give "
            + "GatherAsync a maxConcurrency, use MapAsync, or await a semaphore at the start of each operation. The Python "
            + "equivalent is asyncio.gather(*[fetch(u) for u in urls]) without a Semaphore.",
        helpLinkUri: HelpLink.For(DiagnosticIds.UnboundedFanOut));

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            INamedTypeSymbol? enumerable = start.Compilation.GetTypeByMetadataName("System.Linq.Enumerable");
            INamedTypeSymbol? task = start.Compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
            INamedTypeSymbol? asyncIO = start.Compilation.GetTypeByMetadataName(AsyncIOMembers.AsyncIOTypeName);
            if (enumerable is null || (task is null && asyncIO is null))
            {
                return; // no Select, or nothing that waits for a list of tasks
            }

            var symbols = new Symbols(
                enumerable,
                task,
                asyncIO,
                start.Compilation.GetTypeByMetadataName("System.Threading.SemaphoreSlim"),
                start.Compilation.GetTypeByMetadataName("AsyncNotes.SemaphoreSlimExtensions"),
                start.Compilation.GetTypeByMetadataName("AsyncNotes.AsyncSemaphore"));
            start.RegisterOperationAction(c => AnalyzeInvocation(c, (IInvocationOperation)c.Operation, symbols), OperationKind.Invocation);
        });
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, IInvocationOperation invocation, Symbols symbols)
    {
        IMethodSymbol method = invocation.TargetMethod;
        bool whenAll = method.Name == "WhenAll" && SymbolEqualityComparer.Default.Equals(method.ContainingType, symbols.Task);
        bool gather = method.Name == "GatherAsync" && SymbolEqualityComparer.Default.Equals(method.ContainingType, symbols.AsyncIO);
        if (!whenAll && !gather)
        {
            return;
        }

        // The tasks or the work: the first parameter, passed as one argument (the expanded params form lists explicit tasks).
        IArgumentOperation? items = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0);
        if (items is not { ArgumentKind: ArgumentKind.Explicit } || HasLimit(invocation))
        {
            return;
        }

        if (FindUnboundedSelect(items.Value, symbols) is { } source)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                Rule, MethodNameLocation(invocation.Syntax), method.ContainingType.Name + "." + method.Name, source.Syntax.ToString()));
        }
    }

    // maxConcurrency (the work overloads of GatherAsync) given a value other than the constant null.
    private static bool HasLimit(IInvocationOperation invocation) =>
        invocation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "maxConcurrency") is { ArgumentKind: not ArgumentKind.DefaultValue } limit
        && Strip(limit.Value) is not IDefaultValueOperation
        && Strip(limit.Value).ConstantValue is not { HasValue: true, Value: null };

    // The source of a Select that starts one operation per item with no limit, through ToArray()/ToList() and spreads.
    private static IOperation? FindUnboundedSelect(IOperation value, Symbols symbols)
    {
        value = Strip(value);
        if (value is ICollectionExpressionOperation collection)
        {
            return collection.Elements
                .OfType<ISpreadOperation>()
                .Select(spread => FindUnboundedSelect(spread.Operand, symbols))
                .FirstOrDefault(source => source is not null);
        }

        if (value is not IInvocationOperation call || !symbols.IsEnumerable(call.TargetMethod) || call.Arguments.Length == 0)
        {
            return null;
        }

        IOperation receiver = call.Arguments[0].Value;
        switch (call.TargetMethod.Name)
        {
            case "ToArray" or "ToList" when call.Arguments.Length == 1:
                return FindUnboundedSelect(receiver, symbols);
            case "Select" when call.Arguments.Length == 2:
                IOperation source = Strip(receiver);
                IOperation selector = Strip(call.Arguments[1].Value);
                return IsSmall(source, symbols) || StartsNothing(selector) || AwaitsALimiter(selector, symbols) ? null : source;
            default:
                return null;
        }
    }

    // A source whose size is written in the code: elements listed one by one, or a constant count of at most SmallCount.
    // A cast (`((string[])["a", "b"]).Select(...)`) gives a collection expression its type, and keeps its size.
    private static bool IsSmall(IOperation source, Symbols symbols) => (source is IConversionOperation cast ? cast.Operand : source) switch
    {
        IArrayCreationOperation { Initializer: not null } => true,
        ICollectionExpressionOperation collection => !collection.Elements.Any(e => e is ISpreadOperation),
        IObjectCreationOperation { Arguments.IsEmpty: true, Initializer.Syntax: InitializerExpressionSyntax initializer } =>
            initializer.IsKind(SyntaxKind.CollectionInitializerExpression), // `new List<T>(other) { x }` is not: it copies `other`
        IInvocationOperation { TargetMethod.Name: "Range" or "Repeat" } call when symbols.IsEnumerable(call.TargetMethod) =>
            call.Arguments.FirstOrDefault(a => a.Parameter?.Name == "count")?.Value.ConstantValue is { HasValue: true, Value: int count }
            && count <= SmallCount,
        IFieldReferenceOperation { Field: { IsReadOnly: true, Type: IArrayTypeSymbol } field } =>
            field.DeclaringSyntaxReferences.Length == 1
            && field.DeclaringSyntaxReferences[0].GetSyntax() is VariableDeclaratorSyntax { Initializer.Value: var value }
            && ListsItsElements(value),
        ILocalReferenceOperation { Local: { IsRef: false, Type: IArrayTypeSymbol } local } =>
            local.DeclaringSyntaxReferences.Length == 1
            && local.DeclaringSyntaxReferences[0].GetSyntax() is VariableDeclaratorSyntax { Initializer.Value: var value } declarator
            && ListsItsElements(value)
            && !IsWrittenAgain(declarator),
        _ => false,
    };

    // An array written out element by element: `new[] { a, b }`, `new T[] { a, b }`, `{ a, b }`, `[a, b]` (no spread).
    private static bool ListsItsElements(ExpressionSyntax value) => value switch
    {
        ArrayCreationExpressionSyntax { Initializer: not null } or ImplicitArrayCreationExpressionSyntax => true,
        InitializerExpressionSyntax initializer => initializer.IsKind(SyntaxKind.ArrayInitializerExpression),
        CollectionExpressionSyntax collection => !collection.Elements.Any(e => e is SpreadElementSyntax),
        _ => false,
    };

    // A local array assigned again, or passed by ref or out, in the member that declares it (by name: a same-named local
    // elsewhere in the member only makes this answer "unknown size", never "small").
    private static bool IsWrittenAgain(VariableDeclaratorSyntax declarator)
    {
        SyntaxNode scope = declarator.FirstAncestorOrSelf<SyntaxNode>(n => n is CompilationUnitSyntax or (MemberDeclarationSyntax and not GlobalStatementSyntax)) ?? declarator.SyntaxTree.GetRoot();
        string name = declarator.Identifier.ValueText;
        return scope.DescendantNodes().Any(n => n switch
        {
            AssignmentExpressionSyntax { Left: IdentifierNameSyntax left } => left.Identifier.ValueText == name,
            ArgumentSyntax { RefKindKeyword.RawKind: not 0, Expression: IdentifierNameSyntax argument } => argument.Identifier.ValueText == name,
            _ => false,
        });
    }

    // A lambda that only picks tasks that exist already (`sources.Select(s => s.Task)`): no call, no creation, no await.
    private static bool StartsNothing(IOperation selector) =>
        selector is IDelegateCreationOperation { Target: IAnonymousFunctionOperation lambda }
        && !lambda.Body.Descendants().Any(o => o is IInvocationOperation or IObjectCreationOperation or IAwaitOperation or IDynamicInvocationOperation);

    // A lambda whose body awaits a limiter: `await sem.WaitAsync()`, `using (await sem.AcquireAsync())`, also inside a
    // lambda it builds (the work delegates of GatherAsync). A method group or a delegate value is opaque.
    private static bool AwaitsALimiter(IOperation selector, Symbols symbols) =>
        selector is IDelegateCreationOperation { Target: IAnonymousFunctionOperation lambda }
        && lambda.Body.Descendants().Any(o => o is IAwaitOperation awaited && symbols.IsLimiterAcquire(WithoutConfigureAwait(awaited.Operation)));

    private static IOperation WithoutConfigureAwait(IOperation awaited) =>
        Strip(awaited) is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } instance } ? Strip(instance) : Strip(awaited);

    private static IOperation Strip(IOperation operation)
    {
        while (operation is IConversionOperation { IsImplicit: true } conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }

    // The method's name (`WhenAll` of `Task.WhenAll(...)`, `GatherAsync` of `AsyncIO.GatherAsync<T>(...)`); the whole
    // invocation when it has none.
    private static Location MethodNameLocation(SyntaxNode invocation) => invocation is InvocationExpressionSyntax { Expression: var callee }
        && (callee is MemberAccessExpressionSyntax access ? access.Name : callee as SimpleNameSyntax) is { } name
            ? name.Identifier.GetLocation()
            : invocation.GetLocation();

    private sealed class Symbols(
        INamedTypeSymbol enumerable,
        INamedTypeSymbol? task,
        INamedTypeSymbol? asyncIO,
        INamedTypeSymbol? semaphoreSlim,
        INamedTypeSymbol? semaphoreSlimExtensions,
        INamedTypeSymbol? asyncSemaphore)
    {
        public INamedTypeSymbol? Task { get; } = task;

        public INamedTypeSymbol? AsyncIO { get; } = asyncIO;

        public bool IsEnumerable(IMethodSymbol method) => SymbolEqualityComparer.Default.Equals(method.ContainingType, enumerable);

        // SemaphoreSlim.WaitAsync (any overload, a subclass's too), SemaphoreSlimExtensions.AcquireAsync, AsyncSemaphore.AcquireAsync.
        public bool IsLimiterAcquire(IOperation operation) => operation is IInvocationOperation { TargetMethod: var method } && method.Name switch
        {
            "WaitAsync" => KnownTypes.InheritsFrom(method.ContainingType, semaphoreSlim),
            "AcquireAsync" => SymbolEqualityComparer.Default.Equals(method.ContainingType, semaphoreSlimExtensions)
                || KnownTypes.InheritsFrom(method.ContainingType, asyncSemaphore),
            _ => false,
        };
    }
}
