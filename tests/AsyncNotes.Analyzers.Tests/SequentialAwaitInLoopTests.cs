using AsyncNotes.Tests;
using Verifier = AsyncNotes.Analyzers.Tests.Verify<AsyncNotes.Analyzers.SequentialAwaitInLoopAnalyzer, Microsoft.CodeAnalysis.Testing.EmptyCodeFixProvider>;

namespace AsyncNotes.Analyzers.Tests;

// AN0003: independent calls awaited one by one in a loop, where GatherAsync or MapAsync was meant.
public sealed class SequentialAwaitInLoopTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;

        """;

    // The calls the snippets await: independent work per item.
    private const string Work = """

        static class Net
        {
            public static Task<string> FetchAsync(string url, CancellationToken ct) => Task.FromResult(url);
            public static Task SaveAsync(string url) => Task.CompletedTask;
            public static Task<int> AddAsync(int total, int x) => Task.FromResult(total + x);
            public static Task<int> ParseAsync(string text, out int length) { length = text.Length; return Task.FromResult(0); }
        }
        """;

    [Fact]
    public async Task Foreach_WithAStatementOrABlockBody_IsReported()
    {
        const string Source = Usings + """
            class C
            {
                async Task<List<string>> M(string[] urls, CancellationToken ct)
                {
                    var results = new List<string>();
                    {|#0:foreach|} (var url in urls) results.Add(await Net.FetchAsync(url, ct));

                    {|#1:foreach|} (var url in urls)
                    {
                        string page = await Net.FetchAsync(url, ct).ConfigureAwait(false);
                        Console.WriteLine(page.Length);
                    }

                    return results;
                }
            }
            """ + Work;

        await Verifier.AnalyzerAsync(Source, Verifier.Diagnostic(0, "FetchAsync"), Verifier.Diagnostic(1, "FetchAsync"));
    }

    [Fact]
    public async Task For_WritingAnElementPerItem_IsReported()
    {
        const string Source = Usings + """
            class C
            {
                async Task<string[]> M(string[] urls, CancellationToken ct)
                {
                    var results = new string[urls.Length];
                    {|#0:for|} (int i = 0; i < urls.Length; i++)
                    {
                        results[i] = await Net.FetchAsync(urls[i], ct);
                    }

                    return results;
                }
            }
            """ + Work;

        await Verifier.AnalyzerAsync(Source, Verifier.Diagnostic(0, "FetchAsync"));
    }

    [Fact]
    public async Task InAnAsyncLambdaAndLocalFunction_IsReported()
    {
        const string Source = Usings + """
            class C
            {
                void M(string[] urls)
                {
                    Func<Task> lambda = async () =>
                    {
                        {|#0:foreach|} (var url in urls)
                        {
                            await Net.SaveAsync(url);
                        }
                    };

                    async Task LocalAsync()
                    {
                        {|#1:foreach|} (var url in urls)
                        {
                            await Net.SaveAsync(url);
                        }
                    }
                }
            }
            """ + Work;

        await Verifier.AnalyzerAsync(Source, Verifier.Diagnostic(0, "SaveAsync"), Verifier.Diagnostic(1, "SaveAsync"));
    }

    [Fact]
    public async Task ADeconstructingForeach_IsReported()
    {
        const string Source = Usings + """
            class C
            {
                async Task M(Dictionary<string, int> totals)
                {
                    var sums = new Dictionary<string, int>();
                    {|#0:foreach|} (var (name, total) in totals)
                    {
                        sums[name] = await Net.AddAsync(total, 1);
                    }
                }
            }
            """ + Work;

        await Verifier.AnalyzerAsync(Source, Verifier.Diagnostic(0, "AddAsync"));
    }

    [Fact]
    public async Task ABreakOfANestedSwitchOrInnerLoop_IsStillReported()
    {
        const string Source = Usings + """
            class C
            {
                async Task M(string[] urls, CancellationToken ct)
                {
                    {|#0:foreach|} (var url in urls)
                    {
                        string page = await Net.FetchAsync(url, ct);
                        switch (page.Length)
                        {
                            case 0:
                                Console.WriteLine("empty");
                                break;
                        }

                        while (true)
                        {
                            break;
                        }

                        if (page.Length > 10)
                        {
                            continue;
                        }

                        if (page.Length > 100)
                        {
                            throw new InvalidOperationException(page);
                        }
                    }
                }
            }
            """ + Work;

        await Verifier.AnalyzerAsync(Source, Verifier.Diagnostic(0, "FetchAsync"));
    }

    [Fact]
    public async Task NestedLoops_AreReportedOnce_OnTheInnermost()
    {
        const string Source = Usings + """
            class C
            {
                async Task M(string[][] batches)
                {
                    foreach (var batch in batches)
                    {
                        {|#0:foreach|} (var url in batch)
                        {
                            await Net.SaveAsync(url);
                        }
                    }
                }
            }
            """ + Work;

        await Verifier.AnalyzerAsync(Source, Verifier.Diagnostic(0, "SaveAsync"));
    }

    [Fact]
    public async Task AwaitForeach_AndTasksAlreadyStarted_AreNotReported()
    {
        const string Source = Usings + """
            class C
            {
                async Task M(IAsyncEnumerable<string> urls, Task<string>[] tasks, CancellationToken ct)
                {
                    await foreach (var url in urls)
                    {
                        await Net.SaveAsync(url);
                    }

                    foreach (var t in tasks) await t;

                    foreach (var t in tasks)
                    {
                        Console.WriteLine(await t.ConfigureAwait(false));
                    }

                    for (int i = 0; i < tasks.Length; i++)
                    {
                        Console.WriteLine(await tasks[i]);
                    }
                }
            }
            """ + Work;

        await Verifier.AnalyzerAsync(Source);
    }

    [Fact]
    public async Task AnAwaitNotDependingOnTheItem_IsNotReported()
    {
        const string Source = Usings + """
            class C
            {
                async Task M(string[] urls)
                {
                    // Pacing: one request every 100 ms, on purpose.
                    foreach (var url in urls)
                    {
                        await Net.SaveAsync(url);
                        await Task.Delay(100);
                    }

                    foreach (var url in urls)
                    {
                        await AsyncIO.SleepAsync(TimeSpan.FromMilliseconds(100));
                        await Net.SaveAsync(url);
                    }

                    // The item is not read: the same call repeated.
                    foreach (var url in urls)
                    {
                        await Net.SaveAsync("same");
                    }
                }
            }
            """ + Work;

        await Verifier.AnalyzerAsync("using AsyncNotes;\n" + Source);
    }

    [Fact]
    public async Task ACarriedDependency_IsNotReported()
    {
        const string Source = Usings + """
            class C
            {
                private int _count;

                private string Last { get; set; } = "";

                async Task M(int[] numbers, string[] urls, int seed)
                {
                    // Through a local: each call needs the previous result.
                    int total = 0;
                    foreach (var x in numbers)
                    {
                        total = await Net.AddAsync(total, x);
                    }

                    // Through a compound assignment, a parameter, a field, a property.
                    foreach (var x in numbers) total += await Net.AddAsync(0, x);
                    foreach (var x in numbers) seed = await Net.AddAsync(seed, x);
                    foreach (var x in numbers) _count = await Net.AddAsync(_count, x);
                    foreach (var url in urls) Last = await Net.FetchAsync(url, default);

                    // Through ++, and an out argument.
                    int length = 0;
                    foreach (var url in urls)
                    {
                        await Net.SaveAsync(url);
                        _count++;
                    }

                    foreach (var url in urls)
                    {
                        await Net.ParseAsync(url, out length);
                    }

                    // Through a ref argument.
                    foreach (var url in urls)
                    {
                        await Net.SaveAsync(url);
                        Interlocked.Increment(ref total);
                    }

                    // Through a deconstruction assignment.
                    int a = 0, b = 0;
                    foreach (var x in numbers)
                    {
                        (a, b) = (await Net.AddAsync(a, x), b);
                    }

                    Console.WriteLine(total + length + a + b);
                }
            }
            """ + Work;

        await Verifier.AnalyzerAsync(Source);
    }

    [Fact]
    public async Task WritesTheItemOwns_DoNotSilenceIt()
    {
        const string Source = Usings + """
            class Row
            {
                public string Page = "";
            }

            class C
            {
                async Task M(Row[] rows, string[] urls, CancellationToken ct)
                {
                    {|#0:foreach|} (var row in rows)
                    {
                        row.Page = await Net.FetchAsync(row.Page, ct);
                    }

                    var pages = new List<Row>();
                    {|#1:foreach|} (var url in urls)
                    {
                        var (page, _) = (await Net.FetchAsync(url, ct), 0);
                        int length = 0;
                        length += page.Length;
                        pages.Add(new Row { Page = page });
                    }
                }
            }
            """ + Work;

        await Verifier.AnalyzerAsync(Source, Verifier.Diagnostic(0, "FetchAsync"), Verifier.Diagnostic(1, "FetchAsync"));
    }

    [Fact]
    public async Task OrderedOrPacedWork_IsNotReported()
    {
        const string Source = Usings + """
            using System.IO;
            using System.Threading.Channels;
            using AsyncNotes;

            class C
            {
                async Task M(int[] numbers, string[] lines, AsyncQueue<int> queue, ChannelWriter<int> channel, TextWriter output, AsyncExitStack stack)
                {
                    // A producer: what is put in a queue or a channel comes out in that order.
                    foreach (var x in numbers) await queue.PutAsync(x);
                    for (int i = 0; i < 3; i++) await channel.WriteAsync(i);

                    // One stream, writer or connection: one operation at a time (a resource with DisposeAsync).
                    foreach (var line in lines) await output.WriteLineAsync(line);
                    foreach (var line in lines) _ = await stack.EnterAsyncContextAsync(ct => Task.FromResult(new StringWriter(new System.Text.StringBuilder(line))));

                    // A sleep is pacing, even when its length depends on the item.
                    for (int step = 0; step < 4; step++) await AsyncIO.SleepAsync(TimeSpan.FromMilliseconds(step * 3));
                    foreach (var x in numbers) await Task.Delay(x);
                }

                // Items that are tasks already started: awaiting them in order costs nothing.
                async Task Started((string Name, Task Task)[] tasks, CancellationToken ct)
                {
                    foreach ((string name, Task task) in tasks)
                    {
                        await Capture(() => task);
                        await task.WaitAsync(ct);
                    }
                }

                static Task Capture(Func<Task> task) => task();
            }
            """ + Work;

        await Verifier.AnalyzerAsync(Source);
    }

    [Fact]
    public async Task APoolOrADelegate_AndACallOnTheItemItself_AreReported()
    {
        const string Source = Usings + """
            using System.IO;
            using AsyncNotes;

            class C
            {
                async Task M(string[] paths, ThreadPoolExecutor executor, Func<string, Task> work, Stream[] streams)
                {
                    // A pool exists to run work concurrently, though it has DisposeAsync.
                    {|#0:foreach|} (var path in paths) await executor.Submit(() => File.ReadAllText(path));

                    // A delegate is named for itself.
                    {|#1:foreach|} (var path in paths) await work(path);

                    // A resource per item is not a shared one.
                    {|#2:foreach|} (var stream in streams) await stream.FlushAsync();
                }
            }
            """ + Work;

        await Verifier.AnalyzerAsync(Source, Verifier.Diagnostic(0, "Submit"), Verifier.Diagnostic(1, "work"), Verifier.Diagnostic(2, "FlushAsync"));
    }

    [Fact]
    public async Task AnEarlyExit_IsNotReported()
    {
        const string Source = Usings + """
            class C
            {
                async Task<string?> M(string[] urls, CancellationToken ct)
                {
                    foreach (var url in urls)
                    {
                        if ((await Net.FetchAsync(url, ct)).Length == 0)
                        {
                            break;
                        }
                    }

                    foreach (var url in urls)
                    {
                        string page = await Net.FetchAsync(url, ct);
                        if (page.Length > 0)
                        {
                            return page;
                        }
                    }

                    return null;
                }

                async IAsyncEnumerable<string> Stream(string[] urls)
                {
                    foreach (var url in urls)
                    {
                        yield return await Net.FetchAsync(url, default);
                    }
                }
            }
            """ + Work;

        await Verifier.AnalyzerAsync(Source);
    }

    [Fact]
    public async Task WithoutAwait_IsNotReported()
    {
        const string Source = Usings + """
            class C
            {
                private readonly object _gate = new();

                // Not async: blocking is another rule's business (VSTHRD002).
                void Sync(string[] urls)
                {
                    foreach (var url in urls)
                    {
                        Net.SaveAsync(url).Wait();
                    }
                }

                // The awaits are in a lambda the loop only creates.
                async Task Lambdas(string[] urls)
                {
                    var work = new List<Func<Task>>();
                    foreach (var url in urls)
                    {
                        work.Add(async () => await Net.SaveAsync(url));
                    }

                    await Task.WhenAll(work.ConvertAll(w => w()));
                }

                // A loop inside lock, in an async method.
                async Task InsideLock(string[] urls)
                {
                    await Task.Yield();
                    lock (_gate)
                    {
                        foreach (var url in urls)
                        {
                            Console.WriteLine(url);
                        }
                    }
                }
            }
            """ + Work;

        await Verifier.AnalyzerAsync(Source);
    }

    [Fact]
    public void Rule_HasItsIdSeverityAndHelpPage()
    {
        var rule = SequentialAwaitInLoopAnalyzer.Rule;

        rule.Id.Should().Be("AN0003");
        rule.Category.Should().Be("Performance");
        rule.DefaultSeverity.Should().Be(Microsoft.CodeAnalysis.DiagnosticSeverity.Info);
        rule.HelpLinkUri.Should().EndWith("docs/analyzers/AN0003.md");
        File.Exists(Path.Combine(Repository.Root(), "docs", "analyzers", "AN0003.md")).Should().BeTrue("the help link points at a page that exists");
    }

    [Fact]
    public async Task ACallOnALocalComputedFromTheItem_IsReported()
    {
        // The common HTTP loop: the url built from the id, the response awaited, then its content.
        const string Source = Usings + """
            using System.Net.Http;

            class C
            {
                async Task<List<string>> M(int[] ids, HttpClient client)
                {
                    var results = new List<string>();
                    {|#0:foreach|} (int id in ids)
                    {
                        string url = $"users/{id}";
                        using HttpResponseMessage response = await client.GetAsync(url);
                        results.Add(await response.Content.ReadAsStringAsync());
                    }

                    return results;
                }
            }
            """ + Work;

        await Verifier.AnalyzerAsync(Source, Verifier.Diagnostic(0, "GetAsync"));
    }
}
