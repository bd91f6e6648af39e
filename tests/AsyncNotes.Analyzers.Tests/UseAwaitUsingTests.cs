using AsyncNotes.Tests;
using Verifier = AsyncNotes.Analyzers.Tests.Verify<AsyncNotes.Analyzers.UseAwaitUsingAnalyzer, AsyncNotes.Analyzers.UseAwaitUsingCodeFix>;

namespace AsyncNotes.Analyzers.Tests;

// AN0001: `using` where `await using` was meant, inside an async function.
public sealed class UseAwaitUsingTests
{
    private const string Usings = """
        using System;
        using System.IO;
        using System.Threading.Tasks;

        """;

    [Fact]
    public async Task UsingStatement_InAnAsyncMethod_IsReported_AndFixed()
    {
        const string Source = Usings + """
            class C
            {
                async Task M(string path)
                {
                    {|#0:using|} (var file = new FileStream(path, FileMode.Open))
                    {
                        await file.FlushAsync();
                    }
                }
            }
            """;
        const string Fixed = Usings + """
            class C
            {
                async Task M(string path)
                {
                    await using (var file = new FileStream(path, FileMode.Open))
                    {
                        await file.FlushAsync();
                    }
                }
            }
            """;

        await Verifier.CodeFixAsync(Source, Fixed, Verifier.Diagnostic(0, "FileStream"));
    }

    [Fact]
    public async Task UsingDeclaration_InAnAsyncLambdaAndLocalFunction_IsReported_AndFixed()
    {
        const string Source = Usings + """
            class C
            {
                void M(string path)
                {
                    Func<Task> lambda = async () =>
                    {
                        // keeps this comment
                        {|#0:using|} var writer = new StreamWriter(path);
                        await writer.WriteAsync("x");
                    };

                    async Task LocalAsync()
                    {
                        {|#1:using|} Stream file = File.OpenRead(path);
                        await Task.Yield();
                    }
                }
            }
            """;
        const string Fixed = Usings + """
            class C
            {
                void M(string path)
                {
                    Func<Task> lambda = async () =>
                    {
                        // keeps this comment
                        await using var writer = new StreamWriter(path);
                        await writer.WriteAsync("x");
                    };

                    async Task LocalAsync()
                    {
                        await using Stream file = File.OpenRead(path);
                        await Task.Yield();
                    }
                }
            }
            """;

        await Verifier.CodeFixAsync(Source, Fixed, Verifier.Diagnostic(0, "StreamWriter"), Verifier.Diagnostic(1, "Stream"));
    }

    [Fact]
    public async Task UsingOnAnExpression_OfAnAsyncDisposableType_IsReported()
    {
        const string Source = Usings + """
            class Both : IDisposable, IAsyncDisposable
            {
                public void Dispose() { }
                public ValueTask DisposeAsync() => default;
            }

            class C
            {
                async Task M(Both both)
                {
                    {|#0:using|} (both)
                    {
                        await Task.Yield();
                    }
                }
            }
            """;

        await Verifier.AnalyzerAsync(Source, Verifier.Diagnostic(0, "Both"));
    }

    [Fact]
    public async Task ATypeParameter_ConstrainedToAnAsyncDisposable_IsReported()
    {
        const string Source = Usings + """
            class C
            {
                async Task M<T>(T resource) where T : IDisposable, IAsyncDisposable
                {
                    {|#0:using|} (resource)
                    {
                        await Task.Yield();
                    }
                }

                async Task N<T>(T stream) where T : Stream
                {
                    {|#1:using|} T s = stream;
                    await Task.Yield();
                }
            }
            """;

        await Verifier.AnalyzerAsync(Source, Verifier.Diagnostic(0, "T"), Verifier.Diagnostic(1, "T"));
    }

    [Fact]
    public async Task AwaitUsing_IsNotReported()
    {
        const string Source = Usings + """
            class C
            {
                async Task M(string path)
                {
                    await using var file = new FileStream(path, FileMode.Open);
                    await using (var other = new FileStream(path, FileMode.Open)) { }
                }
            }
            """;

        await Verifier.AnalyzerAsync(Source);
    }

    [Fact]
    public async Task NearMisses_AreNotReported()
    {
        const string Source = Usings + """
            using System.Threading;

            class C
            {
                private readonly object _gate = new();

                // Not async: await is not allowed, so using is the only choice.
                void Sync(string path)
                {
                    using var file = new FileStream(path, FileMode.Open);
                }

                // Only IDisposable: nothing to await.
                async Task OnlyDisposable()
                {
                    using var source = new CancellationTokenSource();
                    await Task.Yield();
                }

                // MemoryStream's Dispose does no I/O.
                async Task Memory()
                {
                    using var memory = new MemoryStream();
                    await Task.Yield();
                }

                // A timer's Dispose returns at once.
                async Task Timer(TimeProvider time)
                {
                    using ITimer timer = time.CreateTimer(_ => { }, null, TimeSpan.Zero, TimeSpan.Zero);
                    await Task.Yield();
                }

                // A subclass of MemoryStream, and a StringWriter: no I/O either.
                async Task InMemory()
                {
                    using var mine = new MyMemory();
                    using var text = new StringWriter();
                    await Task.Yield();
                }

                // await is not allowed in an unsafe context: an unsafe method, or a method of an unsafe type.
                unsafe async Task UnsafeMethod(string path)
                {
                    using var file = new FileStream(path, FileMode.Open);
                }

                // AsyncNotes' permit: Dispose releases it, no I/O.
                async Task Permit(AsyncNotes.AsyncReleaser releaser)
                {
                    using (releaser)
                    {
                        await Task.Yield();
                    }
                }

                // A synchronous lambda inside an async method.
                async Task SyncLambda(string path)
                {
                    Action read = () =>
                    {
                        using var file = new FileStream(path, FileMode.Open);
                    };
                    await Task.Yield();
                }

                // await is not allowed inside lock.
                async Task InsideLock(string path)
                {
                    await Task.Yield();
                    lock (_gate)
                    {
                        using var file = new FileStream(path, FileMode.Open);
                    }
                }
            }

            class MyMemory : MemoryStream
            {
            }

            unsafe class UnsafeType
            {
                async Task M(string path)
                {
                    using var file = new FileStream(path, FileMode.Open);
                }
            }

            namespace AsyncNotes
            {
                struct AsyncReleaser : IDisposable, IAsyncDisposable
                {
                    public void Dispose() { }
                    public ValueTask DisposeAsync() => default;
                }
            }
            """;

        await Verifier.AnalyzerAsync(Source);
    }

    [Fact]
    public async Task TopLevelStatements_AreReportedOnlyWhenTheyAlreadyAwait()
    {
        const string Awaiting = Usings + """
            {|#0:using|} var file = new FileStream("a", FileMode.Open);
            await file.FlushAsync();
            """;
        const string Synchronous = Usings + """
            using var file = new FileStream("a", FileMode.Open);
            file.Flush();
            """;

        await Verifier.ProgramAnalyzerAsync(Awaiting, Verifier.Diagnostic(0, "FileStream"));
        await Verifier.ProgramAnalyzerAsync(Synchronous);
    }

    [Fact]
    public void Rule_HasItsIdSeverityAndHelpPage()
    {
        var rule = UseAwaitUsingAnalyzer.Rule;

        rule.Id.Should().Be("AN0001");
        rule.DefaultSeverity.Should().Be(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning);
        rule.HelpLinkUri.Should().EndWith("docs/analyzers/AN0001.md");
        File.Exists(Path.Combine(Repository.Root(), "docs", "analyzers", "AN0001.md")).Should().BeTrue("the help link points at a page that exists");
    }
}
