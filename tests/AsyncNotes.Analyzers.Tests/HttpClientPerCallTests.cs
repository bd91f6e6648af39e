using AsyncNotes.Tests;
using Verifier = AsyncNotes.Analyzers.Tests.Verify<AsyncNotes.Analyzers.HttpClientPerCallAnalyzer, Microsoft.CodeAnalysis.Testing.EmptyCodeFixProvider>;

namespace AsyncNotes.Analyzers.Tests;

// AN0006: `new HttpClient()` per call, where IHttpClientFactory or one shared client was meant.
public sealed class HttpClientPerCallTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Net.Http;
        using System.Threading.Tasks;

        """;

    [Fact]
    public async Task ANewClient_InAMethod_IsReported_WithOrWithoutUsing()
    {
        const string Source = Usings + """
            class C
            {
                async Task<string> GetAsync(string url)
                {
                    using var client = {|#0:new HttpClient()|};
                    return await client.GetStringAsync(url);
                }

                async Task<string> LeakAsync(string url)
                {
                    var client = {|#1:new HttpClient { Timeout = TimeSpan.FromSeconds(5) }|};
                    return await client.GetStringAsync(url);
                }

                async Task<string> TargetTypedAsync(string url)
                {
                    using HttpClient client = {|#2:new()|};
                    return await client.GetStringAsync(url);
                }

                Task<string> InlineAsync(string url) => {|#3:new HttpClient()|}.GetStringAsync(url);
            }
            """;

        await Verifier.AnalyzerAsync(
            Source,
            Verifier.Diagnostic(0, "GetAsync"),
            Verifier.Diagnostic(1, "LeakAsync"),
            Verifier.Diagnostic(2, "TargetTypedAsync"),
            Verifier.Diagnostic(3, "InlineAsync"));
    }

    [Fact]
    public async Task ANewHandler_PerClient_IsReported()
    {
        const string Source = Usings + """
            class Logging : DelegatingHandler
            {
                public Logging() { }
                public Logging(HttpMessageHandler inner) : base(inner) { }
            }

            class C
            {
                async Task M(string url)
                {
                    using var a = {|#0:new HttpClient(new HttpClientHandler())|};
                    using var b = {|#1:new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }, true)|};
                    using var c = {|#2:new HttpClient(handler: new SocketsHttpHandler(), disposeHandler: false)|};
                    using var d = {|#3:new HttpClient(new Logging(new HttpClientHandler()))|};
                    using var e = {|#4:new HttpClient(new Logging { InnerHandler = new SocketsHttpHandler() })|};
                    await a.GetStringAsync(url);
                }
            }
            """;

        await Verifier.AnalyzerAsync(
            Source,
            Verifier.Diagnostic(0, "M"),
            Verifier.Diagnostic(1, "M"),
            Verifier.Diagnostic(2, "M"),
            Verifier.Diagnostic(3, "M"),
            Verifier.Diagnostic(4, "M"));
    }

    [Fact]
    public async Task LambdasLocalFunctionsAndAccessors_AreReported()
    {
        const string Source = Usings + """
            class C
            {
                // A lambda runs per call, even when it is written in a constructor or a field initializer.
                private readonly Func<string, Task<string>> _fetch = async url =>
                {
                    using var client = {|#0:new HttpClient()|};
                    return await client.GetStringAsync(url);
                };

                public C()
                {
                    Func<string, Task> ping = async url =>
                    {
                        using var client = {|#1:new HttpClient()|};
                        await client.GetAsync(url);
                    };
                }

                void M()
                {
                    async Task<string> LocalAsync(string url)
                    {
                        using var client = {|#2:new HttpClient()|};
                        return await client.GetStringAsync(url);
                    }
                }

                // A property reads as state: a getter that builds a new client per read is reported, returned or not.
                public HttpClient Client => {|#3:new HttpClient()|};

                public HttpClient Other
                {
                    get { return {|#4:new HttpClient()|}; }
                }

                public string Url
                {
                    set { using var client = {|#5:new HttpClient()|}; }
                }
            }
            """;

        await Verifier.AnalyzerAsync(
            Source,
            Verifier.Diagnostic(0, "_fetch"),
            Verifier.Diagnostic(1, "C"),
            Verifier.Diagnostic(2, "LocalAsync"),
            Verifier.Diagnostic(3, "Client"),
            Verifier.Diagnostic(4, "Other"),
            Verifier.Diagnostic(5, "Url"));
    }

    [Fact]
    public async Task ALambda_InTopLevelStatements_IsReported_TheStatementsThemselvesAreNot()
    {
        const string Source = Usings + """
            using var once = new HttpClient();
            Func<string, Task<string>> perRequest = async url =>
            {
                using var client = {|#0:new HttpClient()|};
                return await client.GetStringAsync(url);
            };
            await perRequest("http://localhost/");
            """;

        await Verifier.ProgramAnalyzerAsync(Source, Verifier.Diagnostic(0, "top-level statements"));
    }

    [Fact]
    public async Task LongLivedClients_AndFactories_AreNotReported()
    {
        const string Source = Usings + """
            class C
            {
                private static readonly HttpClient s_client = new();
                private static readonly HttpClient s_pooled = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) });
                private static readonly Lazy<HttpClient> s_lazy = new(() => new HttpClient());
                private static readonly HttpMessageHandler s_handler = new SocketsHttpHandler();
                private readonly HttpClient _fromConstructor;
                private HttpClient? _client;
                private static HttpClient? s_static;

                public HttpClient Auto { get; } = new HttpClient();

                static C()
                {
                    s_static = new HttpClient();
                }

                public C()
                {
                    _fromConstructor = new HttpClient(new HttpClientHandler());
                }

                public static void Main()
                {
                    using var client = new HttpClient();
                }

                // Stored in a field or a property: the object decides the lifetime.
                void Init()
                {
                    _client = new HttpClient();
                    _client ??= new HttpClient();
                    var holder = new Holder { Client = new HttpClient() };
                }

                // Returned: the caller decides the lifetime (a factory).
                HttpClient Create() => new HttpClient(new SocketsHttpHandler());

                HttpClient CreateConfigured(Uri address, bool pooled)
                {
                    var client = new HttpClient(new HttpClientHandler()) { BaseAddress = address };
                    client.DefaultRequestHeaders.Add("X-Test", "1");
                    return client;
                }

                HttpClient CreateEither(bool pooled) => pooled ? new HttpClient(new SocketsHttpHandler()) : new HttpClient();

                void Register(List<Func<HttpClient>> factories)
                {
                    factories.Add(() => new HttpClient());
                }

                // A shared handler: the clients share its connection pool.
                async Task<string> SharedHandlerAsync(string url)
                {
                    using var client = new HttpClient(s_handler, disposeHandler: false);
                    return await client.GetStringAsync(url);
                }

                // A handler that opens no connection (a test stub), and one that is not created here.
                async Task StubAsync(HttpMessageHandler given)
                {
                    using var stub = new HttpClient(new Stub());
                    using var other = new HttpClient(given);
                    await Task.Yield();
                }

                // A subclass: its constructor chooses the handler.
                async Task SubclassAsync()
                {
                    using var api = new ApiClient();
                    await Task.Yield();
                }
            }

            class Holder
            {
                public HttpClient? Client { get; set; }
            }

            class ApiClient : HttpClient
            {
                private static readonly HttpMessageHandler s_shared = new SocketsHttpHandler();

                public ApiClient() : base(s_shared, disposeHandler: false) { }
            }

            class Stub : HttpMessageHandler
            {
                protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, System.Threading.CancellationToken cancellationToken) =>
                    Task.FromResult(new HttpResponseMessage());
            }

            class Derived(HttpClient client)
            {
                public HttpClient Client { get; } = client;
            }

            class FromPrimary() : Derived(new HttpClient())
            {
            }
            """;

        await Verifier.AnalyzerAsync(Source);
    }

    [Fact]
    public async Task TopLevelStatements_AreNotReported()
    {
        const string Source = Usings + """
            using var client = new HttpClient();
            await client.GetStringAsync("http://localhost/");
            """;

        await Verifier.ProgramAnalyzerAsync(Source);
    }

    [Fact]
    public void Rule_HasItsIdSeverityAndHelpPage()
    {
        var rule = HttpClientPerCallAnalyzer.Rule;

        rule.Id.Should().Be("AN0006");
        rule.DefaultSeverity.Should().Be(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning);
        rule.Category.Should().Be("Reliability");
        rule.HelpLinkUri.Should().EndWith("docs/analyzers/AN0006.md");
        File.Exists(Path.Combine(Repository.Root(), "docs", "analyzers", "AN0006.md")).Should().BeTrue("the help link points at a page that exists");
    }

    [Fact]
    public async Task AClientStoredOrReturned_ThroughCoalesceOrASwitch_IsNotReported_AnInstanceMain_Is()
    {
        const string Source = Usings + """
            class C
            {
                HttpClient? _client;
                static readonly HttpClient s_shared = new();

                void Init(HttpClient? given) => _client = given ?? new HttpClient();

                static HttpClient Make(HttpClient? given) => given ?? new HttpClient();

                static HttpClient Pick(int kind) => kind switch { 0 => new HttpClient(), _ => s_shared };

                async Task<string> Main(string url) // not the entry point: an instance method
                {
                    using var client = {|#0:new HttpClient()|};
                    return await client.GetStringAsync(url);
                }
            }
            """;

        await Verifier.AnalyzerAsync(Source, Verifier.Diagnostic(0, "Main"));
    }
}
