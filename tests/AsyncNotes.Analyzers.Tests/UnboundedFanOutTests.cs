using AsyncNotes.Tests;
using Verifier = AsyncNotes.Analyzers.Tests.Verify<AsyncNotes.Analyzers.UnboundedFanOutAnalyzer, Microsoft.CodeAnalysis.Testing.EmptyCodeFixProvider>;

namespace AsyncNotes.Analyzers.Tests;

// AN0004: one operation per item of a source of unknown size, all started at once (asyncio.gather without a Semaphore).
public sealed class UnboundedFanOutTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Tasks;
        using AsyncNotes;

        """;

    [Fact]
    public async Task WhenAll_OverASelect_IsReported_BareInToArrayInToListAndSpread()
    {
        const string Source = Usings + """
            class C
            {
                Task<string> FetchAsync(string url) => Task.FromResult(url);

                async Task M(IEnumerable<string> urls, List<string> list, string[] array)
                {
                    await Task.{|#0:WhenAll|}(urls.Select(url => FetchAsync(url)));
                    await Task.{|#1:WhenAll|}(list.Select(url => FetchAsync(url)).ToArray());
                    await Task.{|#2:WhenAll|}(array.Select(async url => await FetchAsync(url)).ToList());
                    await Task.{|#3:WhenAll|}([.. urls.Select(url => FetchAsync(url))]);
                    string[] pages = await Task.{|#4:WhenAll|}(Enumerable.Select(urls, url => FetchAsync(url)));
                }
            }
            """;

        await Verifier.AnalyzerAsync(
            Source,
            Verifier.Diagnostic(0, "Task.WhenAll", "urls"),
            Verifier.Diagnostic(1, "Task.WhenAll", "list"),
            Verifier.Diagnostic(2, "Task.WhenAll", "array"),
            Verifier.Diagnostic(3, "Task.WhenAll", "urls"),
            Verifier.Diagnostic(4, "Task.WhenAll", "urls"));
    }

    [Fact]
    public async Task GatherAsync_OverTasksAndOverWork_WithoutALimit_IsReported()
    {
        const string Source = Usings + """
            using static AsyncNotes.AsyncIO;

            class C
            {
                Task<string> FetchAsync(string url, CancellationToken ct = default) => Task.FromResult(url);
                Task SaveAsync(int item, CancellationToken ct) => Task.CompletedTask;

                async Task M(IReadOnlyList<string> urls, int[] items, CancellationToken ct)
                {
                    await AsyncIO.{|#0:GatherAsync|}(urls.Select(url => FetchAsync(url)));
                    await AsyncIO.{|#1:GatherAsync|}(urls.Select(url => FetchAsync(url)), returnExceptions: true);
                    await AsyncIO.{|#2:GatherAsync|}(urls.Select(url => (Func<CancellationToken, Task<string>>)(c => FetchAsync(url, c))));
                    await AsyncIO.{|#3:GatherAsync|}(items.Select(item => (Func<CancellationToken, Task>)(c => SaveAsync(item, c))), maxConcurrency: null, ct);
                    await AsyncIO.{|#4:GatherAsync|}<string>(urls.Select(url => (Func<CancellationToken, Task<string>>)(c => FetchAsync(url, c))), returnExceptions: false);
                    await {|#5:GatherAsync|}([.. urls.Select(url => FetchAsync(url))]);
                }
            }
            """;

        await Verifier.AnalyzerAsync(
            Source,
            Verifier.Diagnostic(0, "AsyncIO.GatherAsync", "urls"),
            Verifier.Diagnostic(1, "AsyncIO.GatherAsync", "urls"),
            Verifier.Diagnostic(2, "AsyncIO.GatherAsync", "urls"),
            Verifier.Diagnostic(3, "AsyncIO.GatherAsync", "items"),
            Verifier.Diagnostic(4, "AsyncIO.GatherAsync", "urls"),
            Verifier.Diagnostic(5, "AsyncIO.GatherAsync", "urls"));
    }

    [Fact]
    public async Task AMethodGroup_ALargeRange_AndAnUnknownCount_AreReported()
    {
        const string Source = Usings + """
            class C
            {
                Task<string> FetchAsync(string url) => Task.FromResult(url);
                Task<int> WorkAsync(int i) => Task.FromResult(i);

                async Task M(IEnumerable<string> urls, int n, Func<string, Task<string>> fetch)
                {
                    // The analyzer cannot see inside a method group or a delegate value.
                    await Task.{|#0:WhenAll|}(urls.Select(FetchAsync));
                    await Task.{|#1:WhenAll|}(urls.Select(fetch));
                    // A constant count above the threshold, a count that is not a constant, an index selector.
                    await Task.{|#2:WhenAll|}(Enumerable.Range(0, 101).Select(WorkAsync));
                    await Task.{|#3:WhenAll|}(Enumerable.Range(0, n).Select(i => WorkAsync(i)));
                    await Task.{|#4:WhenAll|}(urls.Select((url, i) => WorkAsync(i)));
                    // A spread makes a collection's size unknown again; a lambda that awaits no limiter does not help.
                    await Task.{|#5:WhenAll|}(((string[])[.. urls, "extra"])
                        .Select(async url => { await Task.Yield(); return await FetchAsync(url); }));
                }
            }
            """;

        await Verifier.AnalyzerAsync(
            Source,
            Verifier.Diagnostic(0, "Task.WhenAll", "urls"),
            Verifier.Diagnostic(1, "Task.WhenAll", "urls"),
            Verifier.Diagnostic(2, "Task.WhenAll", "Enumerable.Range(0, 101)"),
            Verifier.Diagnostic(3, "Task.WhenAll", "Enumerable.Range(0, n)"),
            Verifier.Diagnostic(4, "Task.WhenAll", "urls"),
            Verifier.Diagnostic(5, "Task.WhenAll", "(string[])[.. urls, \"extra\"]"));
    }

    [Fact]
    public async Task TheFixes_AreNotReported()
    {
        const string Source = Usings + """
            class C
            {
                Task<string> FetchAsync(string url, CancellationToken ct = default) => Task.FromResult(url);

                async Task M(IReadOnlyList<string> urls, int limit, CancellationToken ct)
                {
                    // maxConcurrency on the work overloads.
                    await AsyncIO.GatherAsync(urls.Select(url => (Func<CancellationToken, Task<string>>)(c => FetchAsync(url, c))), maxConcurrency: 10, ct);
                    await AsyncIO.GatherAsync(urls.Select(url => (Func<CancellationToken, Task<string>>)(c => FetchAsync(url, c))), returnExceptions: true, limit);

                    // MapAsync is bounded by its signature.
                    await foreach (string page in AsyncIO.MapAsync(urls, (url, c) => FetchAsync(url, c), maxConcurrency: 10))
                    {
                    }

                    // A semaphore awaited at the start of each task: the notes' `async with sem:`.
                    using var slim = new SemaphoreSlim(10);
                    await Task.WhenAll(urls.Select(async url =>
                    {
                        await slim.WaitAsync(ct).ConfigureAwait(false);
                        try
                        {
                            return await FetchAsync(url, ct);
                        }
                        finally
                        {
                            slim.Release();
                        }
                    }));
                    await AsyncIO.GatherAsync(urls.Select(async url =>
                    {
                        using (await slim.AcquireAsync(ct))
                        {
                            return await FetchAsync(url, ct);
                        }
                    }));
                    var sem = new AsyncSemaphore(10);
                    await AsyncIO.GatherAsync(urls.Select(url => (Func<CancellationToken, Task<string>>)(async c =>
                    {
                        using (await sem.AcquireAsync(c))
                        {
                            return await FetchAsync(url, c);
                        }
                    })));

                    // Parallel.ForEachAsync is bounded by default.
                    await Parallel.ForEachAsync(urls, ct, async (url, c) => await FetchAsync(url, c));
                }
            }
            """;

        await Verifier.AnalyzerAsync(Source);
    }

    [Fact]
    public async Task KnownSizes_AndExplicitTasks_AreNotReported()
    {
        const string Source = Usings + """
            class C
            {
                const int Workers = 8;

                Task<string> FetchAsync(string url) => Task.FromResult(url);
                Task<int> WorkAsync(int i) => Task.FromResult(i);

                async Task M(Task<string> a, Task<string> b, Task<string> c, IEnumerable<Task<string>> tasks, List<TaskCompletionSource<int>> sources)
                {
                    // Explicit tasks: the count is in the code.
                    await Task.WhenAll(a, b, c);
                    await AsyncIO.GatherAsync(a, b, c);
                    await Task.WhenAll([a, b, c]);

                    // A source written out element by element.
                    await Task.WhenAll(new[] { "a", "b" }.Select(FetchAsync));
                    await Task.WhenAll(new string[] { "a", "b" }.Select(url => FetchAsync(url)));
                    await Task.WhenAll(((string[])["a", "b", "c"]).Select(FetchAsync));
                    await Task.WhenAll(new List<string> { "a", "b" }.Select(FetchAsync));

                    // A constant count of at most 100 (SmallCount).
                    await Task.WhenAll(Enumerable.Range(0, 100).Select(WorkAsync));
                    await Task.WhenAll(Enumerable.Range(1, Workers).Select(i => WorkAsync(i)).ToArray());
                    await AsyncIO.GatherAsync([.. Enumerable.Repeat("x", 3).Select(FetchAsync)]);

                    // Tasks that already exist: no Select here starts them.
                    await Task.WhenAll(tasks);
                    await Task.WhenAll(tasks.ToArray());
                    await Task.WhenAll(sources.Select(s => s.Task));
                    await Task.WhenAll(tasks.Select(t => t));

                    // Other methods that are not a fan-out wait.
                    await Task.WhenAny(tasks.Select(t => t));
                }
            }
            """;

        await Verifier.AnalyzerAsync(Source);
    }

    [Fact]
    public async Task AnArrayWrittenOut_InAReadonlyFieldOrAnUnchangedLocal_IsNotReported_OtherwiseItIs()
    {
        const string Source = Usings + """
            class C
            {
                private static readonly string[] Urls = ["/users/1", "/users/2", "/users/3"];
                private static readonly string[] Old = new[] { "a", "b" };
                private readonly int[] _ids = { 1, 2, 3 };
                private static string[] s_mutable = ["a", "b"];
                private static readonly List<string> s_list = ["a", "b"];
                private static readonly string[] s_spread = [.. s_mutable, "c"];

                Task<string> FetchAsync(string url) => Task.FromResult(url);

                async Task M(string[] more)
                {
                    await Task.WhenAll(Urls.Select(FetchAsync));
                    await Task.WhenAll(Old.Select(FetchAsync));
                    await Task.WhenAll(_ids.Select(id => FetchAsync($"/users/{id}")));
                    string[] local = ["x", "y"];
                    await AsyncIO.GatherAsync(local.Select(FetchAsync));

                    // Not readonly, a list that can grow, a spread, a local assigned again: the size is unknown.
                    await Task.{|#0:WhenAll|}(s_mutable.Select(FetchAsync));
                    await Task.{|#1:WhenAll|}(s_list.Select(FetchAsync));
                    await Task.{|#2:WhenAll|}(s_spread.Select(FetchAsync));
                    string[] reassigned = ["x"];
                    reassigned = more;
                    await Task.{|#3:WhenAll|}(reassigned.Select(FetchAsync));
                }
            }
            """;

        await Verifier.AnalyzerAsync(
            Source,
            Verifier.Diagnostic(0, "Task.WhenAll", "s_mutable"),
            Verifier.Diagnostic(1, "Task.WhenAll", "s_list"),
            Verifier.Diagnostic(2, "Task.WhenAll", "s_spread"),
            Verifier.Diagnostic(3, "Task.WhenAll", "reassigned"));
    }

    [Fact]
    public void Rule_HasItsIdSeverityAndHelpPage()
    {
        var rule = UnboundedFanOutAnalyzer.Rule;

        rule.Id.Should().Be("AN0004");
        rule.DefaultSeverity.Should().Be(Microsoft.CodeAnalysis.DiagnosticSeverity.Info);
        rule.Category.Should().Be("Reliability");
        rule.HelpLinkUri.Should().EndWith("docs/analyzers/AN0004.md");
        File.Exists(Path.Combine(Repository.Root(), "docs", "analyzers", "AN0004.md")).Should().BeTrue("the help link points at a page that exists");
    }

    [Fact]
    public async Task AListCopiedFromAnotherSource_IsNotASmallSource()
    {
        // `new List<T>(other) { x }` lists one element and copies all of `other`: its size is not written in the code.
        const string Source = Usings + """
            class C
            {
                Task<string> FetchAsync(string url) => Task.FromResult(url);

                async Task M(IEnumerable<string> urls)
                {
                    await Task.WhenAll(new List<string> { "a", "b" }.Select(url => FetchAsync(url)));
                    await Task.{|#0:WhenAll|}(new List<string>(urls) { "c" }.Select(url => FetchAsync(url)));
                }
            }
            """;

        await Verifier.AnalyzerAsync(Source, Verifier.Diagnostic(0, "Task.WhenAll", "new List<string>(urls) { \"c\" }"));
    }
}
