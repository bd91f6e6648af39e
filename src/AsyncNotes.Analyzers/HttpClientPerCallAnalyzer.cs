using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncNotes.Analyzers;

/// <summary>AN0006: <c>new HttpClient()</c> per call. The notes' "forgetting <c>async with</c> for an aiohttp session" has a
/// worse .NET form: a client created (and disposed) per operation brings its own connection pool, so every request opens a
/// new connection and leaves its socket in TIME_WAIT; without a <c>using</c> the sockets stay open until a collection.
/// The client should come from <c>IHttpClientFactory</c>, or be one long-lived shared client.</summary>
/// <remarks>
/// <list type="bullet">
///   <item>Reported on the creation of a <c>System.Net.Http.HttpClient</c> (<c>new HttpClient(...)</c>, or a target-typed
///   <c>new(...)</c>) with no arguments, or whose handler is created right there and owns a connection pool
///   (<c>HttpClientHandler</c>, <c>SocketsHttpHandler</c>, or a <c>DelegatingHandler</c> created around one), inside a
///   method, local function, lambda or accessor.</item>
///   <item>Not reported where a creation runs once for a lifetime: a constructor, a field or property initializer
///   (a <c>Lazy&lt;HttpClient&gt;</c>'s too), top-level statements, a static method named <c>Main</c>.</item>
///   <item>Not reported where the creator hands the client on, so that someone else decides its lifetime: assigned to a
///   field or property (<c>_client ??= new HttpClient()</c>), or returned by a method, local function or lambda (directly,
///   or through a local it returns). A property getter that returns a new client is reported: a property reads as state.</item>
///   <item>Not reported when the handler is an existing object (<c>new HttpClient(s_handler, disposeHandler: false)</c>
///   shares that handler's pool) or a handler that opens no connection (a test stub).</item>
///   <item>Subclasses of <c>HttpClient</c> are not reported: their constructor chooses the handler, and may pass a shared one.</item>
///   <item>CA2000 and CA2213 ask for the client to be disposed, and are satisfied by <c>using var client = new HttpClient()</c>,
///   which is exactly this mistake.</item>
/// </list>
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class HttpClientPerCallAnalyzer : DiagnosticAnalyzer
{
    // Handlers that own a connection pool: a new one per client is a new pool per client.
    private static readonly string[] PoolOwners = ["System.Net.Http.HttpClientHandler", "System.Net.Http.SocketsHttpHandler"];

    internal static readonly DiagnosticDescriptor Rule = new(
        DiagnosticIds.HttpClientPerCall,
        title: "Do not create an HttpClient per call",
        messageFormat: "'new HttpClient()' in '{0}' creates a client and a connection pool per call: sockets pile up in TIME_WAIT and connections are never reused; take the client from IHttpClientFactory or share one",
        category: "Reliability",
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "An HttpClient created with its own handler inside a method brings a new connection pool on every call: "
            + "no connection is reused, and every request leaves a socket in TIME_WAIT (or open, until a collection, without "
            + "a using). Under load that exhausts the sockets. Take the client from IHttpClientFactory (AddHttpClient, a "
            + "typed client), or share one long-lived client whose SocketsHttpHandler sets PooledConnectionLifetime.",
        helpLinkUri: HelpLink.For(DiagnosticIds.HttpClientPerCall));

    private enum Scope
    {
        /// <summary>Runs once for a lifetime: a constructor, an initializer, top-level statements, <c>Main</c>.</summary>
        Once,

        /// <summary>A method, local function or lambda: returning the client hands its lifetime to the caller.</summary>
        Function,

        /// <summary>A property or indexer getter: reported even when it returns the client.</summary>
        Getter,

        /// <summary>Another accessor (a setter, an event accessor).</summary>
        Accessor,
    }

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            INamedTypeSymbol? httpClient = start.Compilation.GetTypeByMetadataName("System.Net.Http.HttpClient");
            if (httpClient is null)
            {
                return; // no System.Net.Http referenced
            }

            var handlers = new Handlers(
                KnownTypes.Resolve(start.Compilation, PoolOwners),
                start.Compilation.GetTypeByMetadataName("System.Net.Http.DelegatingHandler"));
            start.RegisterOperationAction(
                c => AnalyzeCreation(c, (IObjectCreationOperation)c.Operation, httpClient, handlers), OperationKind.ObjectCreation);
        });
    }

    private static void AnalyzeCreation(OperationAnalysisContext context, IObjectCreationOperation creation, INamedTypeSymbol httpClient, Handlers handlers)
    {
        if (!SymbolEqualityComparer.Default.Equals(creation.Type, httpClient) || !CreatesItsOwnPool(creation, handlers))
        {
            return;
        }

        (SyntaxNode? function, Scope scope) = EnclosingFunction(creation.Syntax);
        if (function is null || scope == Scope.Once || IsStored(creation))
        {
            return;
        }

        if (scope == Scope.Function && IsReturned(creation, function))
        {
            return; // a factory: its caller decides the lifetime
        }

        context.ReportDiagnostic(Diagnostic.Create(Rule, creation.Syntax.GetLocation(), NameOf(function, context.ContainingSymbol)));
    }

    // No arguments (the client creates its own handler), or a handler created right there that owns a pool.
    private static bool CreatesItsOwnPool(IObjectCreationOperation creation, Handlers handlers) =>
        creation.Arguments.Length == 0
        || creation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0) is { } handler && handlers.IsNewPool(handler.Value);

    // The nearest function around the creation, and what kind of scope it is. Lambdas count: a lambda in a constructor or an
    // initializer runs whenever it is called, not once.
    private static (SyntaxNode? Function, Scope Scope) EnclosingFunction(SyntaxNode node)
    {
        for (SyntaxNode? current = node.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax:
                    return (current, Scope.Function);
                case ConstructorDeclarationSyntax or GlobalStatementSyntax or PrimaryConstructorBaseTypeSyntax:
                    return (current, Scope.Once);
                case MethodDeclarationSyntax method:
                    // A program's entry point: a static Main (an instance method of that name is an ordinary method).
                    return (current, method.Identifier.ValueText == "Main" && method.Modifiers.Any(SyntaxKind.StaticKeyword) ? Scope.Once : Scope.Function);
                case BaseMethodDeclarationSyntax:
                    return (current, Scope.Function); // operators, conversions, a finalizer
                case AccessorDeclarationSyntax accessor:
                    return (current, accessor.Keyword.ValueText == "get" ? Scope.Getter : Scope.Accessor);
                case ArrowExpressionClauseSyntax { Parent: BasePropertyDeclarationSyntax }:
                    return (current, Scope.Getter);
                case EqualsValueClauseSyntax { Parent: PropertyDeclarationSyntax or VariableDeclaratorSyntax { Parent.Parent: BaseFieldDeclarationSyntax } }:
                    return (current, Scope.Once); // a field or property initializer
                case MemberDeclarationSyntax:
                    return (null, Scope.Once);
            }
        }

        return (null, Scope.Once);
    }

    // `_client = new HttpClient()`, `_client ??= new HttpClient()`, `new Api { Client = new HttpClient() }`: the object that
    // holds the field decides the lifetime.
    private static bool IsStored(IOperation creation) =>
        Consumer(creation) is (IAssignmentOperation assignment, var value)
        && assignment.Value == value
        && assignment.Target is IFieldReferenceOperation or IPropertyReferenceOperation;

    // `return new HttpClient(...)`, `=> new HttpClient(...)`, or `var client = new HttpClient(...); ...; return client;`.
    private static bool IsReturned(IOperation creation, SyntaxNode function)
    {
        switch (Consumer(creation).Parent)
        {
            case IReturnOperation:
                return true;
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Symbol: var local } } when creation.SemanticModel is { } model:
                return function.DescendantNodes(n => n == function || n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
                    .OfType<ReturnStatementSyntax>()
                    .Any(r => r.Expression is IdentifierNameSyntax name
                        && name.Identifier.ValueText == local.Name
                        && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name).Symbol, local));
            default:
                return false;
        }
    }

    // The operation that takes the created client, past conversions and the branches of a conditional, a `??` or a switch
    // expression; and the operand it takes.
    private static (IOperation? Parent, IOperation Value) Consumer(IOperation creation)
    {
        IOperation value = creation;
        while (value.Parent is IConversionOperation or ICoalesceOperation
            || (value.Parent is IConditionalOperation { Type: not null } conditional && conditional.Condition != value)
            || value.Parent is ISwitchExpressionArmOperation { Parent: ISwitchExpressionOperation })
        {
            value = value.Parent is ISwitchExpressionArmOperation arm ? arm.Parent! : value.Parent!;
        }

        return (value.Parent, value);
    }

    private static string NameOf(SyntaxNode function, ISymbol containingSymbol)
    {
        for (SyntaxNode? node = function; node is not null; node = node.Parent)
        {
            switch (node)
            {
                case LocalFunctionStatementSyntax local:
                    return local.Identifier.ValueText;
                case MethodDeclarationSyntax method:
                    return method.Identifier.ValueText;
                case ConstructorDeclarationSyntax constructor:
                    return constructor.Identifier.ValueText;
                case PropertyDeclarationSyntax property:
                    return property.Identifier.ValueText;
                case EventDeclarationSyntax @event:
                    return @event.Identifier.ValueText;
                case IndexerDeclarationSyntax:
                    return "this[]";
                case VariableDeclaratorSyntax { Parent.Parent: BaseFieldDeclarationSyntax } field:
                    return field.Identifier.ValueText;
                case GlobalStatementSyntax:
                    return "top-level statements";
                case MemberDeclarationSyntax:
                    return containingSymbol.Name;
            }
        }

        return containingSymbol.Name;
    }

    private sealed class Handlers(ImmutableArray<INamedTypeSymbol> poolOwners, INamedTypeSymbol? delegatingHandler)
    {
        // A handler created right there that owns a connection pool: HttpClientHandler, SocketsHttpHandler (or a subclass),
        // or a DelegatingHandler created around one (by a constructor argument or an InnerHandler initializer). A handler
        // that exists already shares its pool; any other handler (a test stub) opens no connection that we can see.
        public bool IsNewPool(IOperation handler)
        {
            while (handler is IConversionOperation { IsImplicit: true } conversion)
            {
                handler = conversion.Operand;
            }

            if (handler is not IObjectCreationOperation { Type: INamedTypeSymbol type } creation)
            {
                return false;
            }

            if (KnownTypes.InheritsFromAny(type, poolOwners))
            {
                return true;
            }

            return KnownTypes.InheritsFrom(type, delegatingHandler)
                && (creation.Arguments.Any(a => IsNewPool(a.Value))
                    || (creation.Initializer?.Initializers ?? []).OfType<ISimpleAssignmentOperation>().Any(a =>
                        a.Target is IPropertyReferenceOperation { Property.Name: "InnerHandler" } && IsNewPool(a.Value)));
        }
    }
}
