using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncNotes.Analyzers;

/// <summary>What AN0003 reads in a loop's body: its awaits, what it writes, and whether it leaves the loop early. Nested
/// lambdas and local functions are not part of the body: they run when someone calls them, not once per item.</summary>
internal sealed class SequentialLoop
{
    private readonly INamedTypeSymbol? _asyncDisposable;

    // Tasks: an item that is one was started before the loop, and awaiting it in order costs nothing.
    private readonly ImmutableArray<INamedTypeSymbol> _tasks;

    // Shared receivers whose calls are ordered by nature: what is put in a queue or written to a channel comes out in that
    // order. (A resource with DisposeAsync is one too: see OrderedReceiver.)
    private readonly ImmutableArray<INamedTypeSymbol> _ordered;

    // A resource with DisposeAsync that exists to run work concurrently.
    private readonly ImmutableArray<INamedTypeSymbol> _concurrent;

    // Where Delay and SleepAsync are pacing: a sleep is never gathered, whatever it reads.
    private readonly ImmutableArray<INamedTypeSymbol> _sleepers;

    public SequentialLoop(Compilation compilation)
    {
        _asyncDisposable = compilation.GetTypeByMetadataName("System.IAsyncDisposable");
        _tasks = KnownTypes.Resolve(compilation, "System.Threading.Tasks.Task", "System.Threading.Tasks.Task`1", "System.Threading.Tasks.ValueTask", "System.Threading.Tasks.ValueTask`1");
        _ordered = KnownTypes.Resolve(compilation, "System.Threading.Channels.ChannelWriter`1", "System.IO.Pipelines.PipeWriter", "AsyncNotes.AsyncQueue`1");
        _concurrent = KnownTypes.Resolve(compilation, "AsyncNotes.ThreadPoolExecutor");
        _sleepers = KnownTypes.Resolve(compilation, "System.Threading.Tasks.Task", "AsyncNotes.AsyncIO");
    }

    /// <summary>The name of the method the body of <paramref name="loop"/> awaits once per item, independently of the other
    /// items; or <see langword="null"/> when the loop awaits nothing of the kind, or when its iterations may depend on each
    /// other.</summary>
    public string? AwaitedMethod(ILoopOperation loop)
    {
        // The foreach variable(s), or the variables of a for's initializer; not those that are tasks already started.
        ImmutableArray<ILocalSymbol> items = [.. loop.Locals.Where(local => !IsTask(local.Type))];
        if (items.IsEmpty)
        {
            return null;
        }

        items = WithDerived(items, loop.Body);

        string? first = null;
        foreach (IOperation operation in Body(loop.Body))
        {
            switch (operation)
            {
                case IAwaitOperation awaiting:
                    if (IndependentCall(awaiting.Operation, items) is not { } call)
                    {
                        return null; // pacing, a task already started, a queue: the order looks deliberate, or is moot
                    }

                    first ??= Name(call);
                    break;
                case IUsingOperation { IsAsynchronous: true } or IUsingDeclarationOperation { IsAsynchronous: true } or IForEachLoopOperation { IsAsynchronous: true }:
                    return null; // awaits that are not a call on the item
                case ILoopOperation inner when SequentialAwaitInLoopAnalyzer.Keyword(inner) is not null && AwaitedMethod(inner) is not null:
                    return null; // one diagnostic per nest: on the innermost loop
                case IReturnOperation or IBranchOperation { BranchKind: BranchKind.GoTo }:
                    return null; // return, yield return, yield break, goto: an early exit, or a consumer that may stop early
                case IBranchOperation { BranchKind: BranchKind.Break } branch when SymbolEqualityComparer.Default.Equals(branch.Target, loop.ExitLabel):
                    return null;
                case IAssignmentOperation assignment when Carried(assignment.Target, loop):
                    return null; // a result carried to the next item: total = await AddAsync(total, x)
                case IIncrementOrDecrementOperation increment when Carried(increment.Target, loop):
                    return null;
                case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument when Carried(argument.Value, loop):
                    return null;
            }
        }

        return first;
    }

    // The items, and the locals of the body computed from them (`var url = $"u/{id}"`, `using var response = await
    // client.GetAsync(url)`): a call on one of those is a call on the item. Declarations come before their uses, so one
    // pass in source order follows a chain of them.
    private ImmutableArray<ILocalSymbol> WithDerived(ImmutableArray<ILocalSymbol> items, IOperation body)
    {
        ImmutableArray<ILocalSymbol>.Builder all = items.ToBuilder();
        foreach (IVariableDeclaratorOperation declarator in Body(body).OfType<IVariableDeclaratorOperation>())
        {
            if (!IsTask(declarator.Symbol.Type) && declarator.GetVariableInitializer() is { } initializer && Reads(initializer.Value, all.ToImmutable()))
            {
                all.Add(declarator.Symbol);
            }
        }

        return all.ToImmutable();
    }

    // The body's operations in source order, without nested lambdas and local functions.
    private static IEnumerable<IOperation> Body(IOperation body)
    {
        var pending = new Stack<IOperation>();
        pending.Push(body);
        while (pending.Count > 0)
        {
            IOperation operation = pending.Pop();
            yield return operation;
            foreach (IOperation child in operation.ChildOperations.Reverse())
            {
                if (child is not (IAnonymousFunctionOperation or ILocalFunctionOperation))
                {
                    pending.Push(child);
                }
            }
        }
    }

    // The call an await waits for (through ConfigureAwait and conversions), when it reads an item in its receiver or
    // arguments, is not a sleep, and is not made on a shared receiver whose calls are ordered. `await task`,
    // `await tasks[i]`: a task already started, not a call made here.
    private IInvocationOperation? IndependentCall(IOperation awaited, ImmutableArray<ILocalSymbol> items)
    {
        IOperation operand = awaited;
        while (true)
        {
            switch (operand)
            {
                case IConversionOperation conversion:
                    operand = conversion.Operand;
                    continue;
                case IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configured when Receiver(configured) is { } task:
                    operand = task;
                    continue;
            }

            break;
        }

        if (operand is not IInvocationOperation call || IsSleep(call.TargetMethod))
        {
            return null;
        }

        IOperation? receiver = Receiver(call);
        bool onItem = Reads(receiver, items);
        return onItem || (call.Arguments.Any(argument => Reads(argument.Value, items)) && !OrderedReceiver(receiver?.Type))
            ? call
            : null;
    }

    private static IOperation? Receiver(IInvocationOperation call) =>
        call.TargetMethod.IsExtensionMethod && call.Instance is null && !call.Arguments.IsEmpty ? call.Arguments[0].Value : call.Instance;

    private static bool Reads(IOperation? operation, ImmutableArray<ILocalSymbol> items) =>
        operation is not null && operation.DescendantsAndSelf().OfType<ILocalReferenceOperation>()
            .Any(reference => items.Contains(reference.Local, SymbolEqualityComparer.Default));

    // A call through a delegate is named for the delegate (`work(item)`: 'work'), others for their method.
    private static string Name(IInvocationOperation call) =>
        call.TargetMethod.MethodKind == MethodKind.DelegateInvoke && call.Instance switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            IMemberReferenceOperation member => member.Member,
            _ => null,
        } is { } symbol ? symbol.Name : call.TargetMethod.Name;

    // A queue, a channel, or a resource with DisposeAsync (a connection, a stream, a writer, an exit stack, a DbContext):
    // one operation at a time, or in an order that matters. Not a pool built to run work concurrently.
    private bool OrderedReceiver(ITypeSymbol? type) =>
        type is not null
        && !KnownTypes.InheritsFromAny(type, _concurrent)
        && (KnownTypes.InheritsFromAny(type, _ordered)
            || (_asyncDisposable is not null
                && (SymbolEqualityComparer.Default.Equals(type, _asyncDisposable) || type.AllInterfaces.Contains(_asyncDisposable, SymbolEqualityComparer.Default))));

    private bool IsTask(ITypeSymbol type) => KnownTypes.InheritsFromAny(type, _tasks);

    private bool IsSleep(IMethodSymbol method) =>
        method.Name is "Delay" or "SleepAsync" && _sleepers.Contains(method.ContainingType, SymbolEqualityComparer.Default);

    // Whether writing `target` carries something from one item to the next: a local or parameter declared outside the
    // body (a for's own variables included), or a field or property not of an object the body owns. An element
    // (`results[i] = ...`, `map[key] = ...`) is not: each item writes its own.
    private static bool Carried(IOperation target, ILoopOperation loop) => target switch
    {
        ILocalReferenceOperation local => !DeclaredIn(local.Local, loop.Body.Syntax),
        IParameterReferenceOperation => true,
        IPropertyReferenceOperation { Property.IsIndexer: true } => false,
        IMemberReferenceOperation member => !OwnedByItem(member.Instance, loop),
        ITupleOperation tuple => tuple.Elements.Any(element => Carried(element, loop)),
        _ => false, // an array element, a declaration (`var (a, b) = ...`, `out var x`), a discard
    };

    // Whether a member's instance belongs to one item: a local of the loop (the foreach variable, or declared in the
    // body), an element, an object being initialized (`new R { Value = await F(x) }`), or what a call returned.
    private static bool OwnedByItem(IOperation? instance, ILoopOperation loop) => instance switch
    {
        null or IParameterReferenceOperation => false,
        IInstanceReferenceOperation reference => reference.ReferenceKind == InstanceReferenceKind.ImplicitReceiver,
        ILocalReferenceOperation local => DeclaredIn(local.Local, loop.Syntax),
        IPropertyReferenceOperation { Property.IsIndexer: true } or IArrayElementReferenceOperation => true,
        IMemberReferenceOperation member => OwnedByItem(member.Instance, loop),
        _ => true,
    };

    private static bool DeclaredIn(ILocalSymbol local, SyntaxNode node) =>
        local.DeclaringSyntaxReferences.Any(reference => reference.SyntaxTree == node.SyntaxTree && node.Span.Contains(reference.Span));
}
