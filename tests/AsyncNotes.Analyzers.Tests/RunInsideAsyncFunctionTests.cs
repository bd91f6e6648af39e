using Verifier = AsyncNotes.Analyzers.Tests.Verify<AsyncNotes.Analyzers.RunInsideAsyncFunctionAnalyzer, AsyncNotes.Analyzers.AwaitInsteadOfRunCodeFix>;

namespace AsyncNotes.Analyzers.Tests;

// AN0002: AsyncIO.Run inside an async function (asyncio.run() inside async def).
public sealed class RunInsideAsyncFunctionTests
{
    private const string Usings = """
        using System;
        using System.Threading.Tasks;
        using AsyncNotes;

        """;

    [Fact]
    public async Task RunOfAMethodGroup_InAnAsyncMethod_IsReported_AndFixedToAnAwait()
    {
        const string Source = Usings + """
            class C
            {
                static Task MainAsync() => Task.CompletedTask;

                async Task M()
                {
                    await Task.Yield();
                    {|#0:AsyncIO.Run(MainAsync)|}; // the nested run
                }
            }
            """;
        const string Fixed = Usings + """
            class C
            {
                static Task MainAsync() => Task.CompletedTask;

                async Task M()
                {
                    await Task.Yield();
                    await MainAsync(); // the nested run
                }
            }
            """;

        await Verifier.CodeFixAsync(Source, Fixed, Verifier.Diagnostic(0));
    }

    [Fact]
    public async Task RunOfALambda_WithAValue_InAnAsyncLambda_IsFixedToAnAwaitOfItsBody()
    {
        const string Source = Usings + """
            class C
            {
                static Task<int> FetchAsync(int id) => Task.FromResult(id);

                void M()
                {
                    Func<Task<string>> f = async () =>
                    {
                        int a = {|#0:AsyncIO.Run(() => FetchAsync(1))|};
                        int b = {|#1:AsyncIO.Run(async () => await FetchAsync(2))|};
                        await Task.Yield();
                        return {|#2:AsyncIO.Run(() => FetchAsync(a + b))|}.ToString();
                    };
                }
            }
            """;
        const string Fixed = Usings + """
            class C
            {
                static Task<int> FetchAsync(int id) => Task.FromResult(id);

                void M()
                {
                    Func<Task<string>> f = async () =>
                    {
                        int a = await FetchAsync(1);
                        int b = await FetchAsync(2);
                        await Task.Yield();
                        return (await FetchAsync(a + b)).ToString();
                    };
                }
            }
            """;

        await Verifier.CodeFixAsync(Source, Fixed, Verifier.Diagnostic(0), Verifier.Diagnostic(1), Verifier.Diagnostic(2));
    }

    [Fact]
    public async Task RunWithOptions_OrABlockLambda_OrInsideLock_IsReported_WithoutAFix()
    {
        // Dropping the options would change the run; a block body has no one expression to await; await is not allowed in a lock.
        const string Source = Usings + """
            class C
            {
                readonly object _gate = new();

                async Task M()
                {
                    await Task.Yield();
                    {|#0:AsyncIO.Run(() => Task.Delay(1), EventLoopOptions.Virtual)|};
                    {|#1:AsyncIO.Run(async () => { await Task.Yield(); })|};
                    lock (_gate)
                    {
                        {|#2:AsyncIO.Run(() => Task.Delay(1))|};
                    }
                }
            }
            """;

        await Verifier.CodeFixAsync(Source, Source, Verifier.Diagnostic(0), Verifier.Diagnostic(1), Verifier.Diagnostic(2));
    }

    [Fact]
    public async Task RunInAnAsyncLocalFunction_IsReported()
    {
        const string Source = Usings + """
            class C
            {
                void M()
                {
                    _ = Local();

                    async Task Local()
                    {
                        await Task.Yield();
                        {|#0:AsyncIO.Run(() => Task.CompletedTask)|};
                    }
                }
            }
            """;

        await Verifier.AnalyzerAsync(Source, Verifier.Diagnostic(0));
    }

    [Fact]
    public async Task RunAsTheEntryPoint_OrInASynchronousMethod_OrASyncLambdaInsideAnAsyncMethod_IsNotReported()
    {
        // Main and a synchronous helper are where a run belongs; a synchronous lambda is its own function, even inside an async one.
        const string Source = Usings + """
            class C
            {
                static void Main() => AsyncIO.Run(() => Task.CompletedTask);

                static int Helper() => AsyncIO.Run(() => Task.FromResult(1));

                async Task M()
                {
                    await Task.Yield();
                    Func<int> later = () => AsyncIO.Run(() => Task.FromResult(2));
                    _ = later;
                }
            }
            """;

        await Verifier.AnalyzerAsync(Source);
    }

    [Fact]
    public async Task RunInTopLevelStatements_ThatAwait_IsNotReported()
    {
        const string Source = Usings + """
            await Task.Yield();
            AsyncIO.Run(() => Task.CompletedTask);
            """;

        await Verifier.ProgramAnalyzerAsync(Source);
    }

    [Fact]
    public async Task AMethodNamedRun_OnAnotherType_IsNotReported()
    {
        const string Source = Usings + """
            static class Other
            {
                public static void Run(Func<Task> main) => main().GetAwaiter().GetResult();
            }

            class C
            {
                async Task M()
                {
                    await Task.Yield();
                    Other.Run(() => Task.CompletedTask);
                }
            }
            """;

        await Verifier.AnalyzerAsync(Source);
    }

    [Fact]
    public async Task RunInAQueryClause_IsNotReported_ButInTheFirstFromSource_ItIs()
    {
        // A query's clauses are synchronous lambdas (await is not allowed there: CS1995); its first source is not.
        const string Source = Usings + """
            using System.Linq;

            class C
            {
                static Task<int[]> AllAsync() => Task.FromResult(new[] { 1 });

                async Task M(int[] xs)
                {
                    await Task.Yield();
                    var q = (from x in xs select AsyncIO.Run(() => Task.FromResult(x))).ToArray();
                    var r = (from y in {|#0:AsyncIO.Run(AllAsync)|} select y).ToArray();
                }
            }
            """;

        await Verifier.AnalyzerAsync(Source, Verifier.Diagnostic(0));
    }

    [Fact]
    public async Task RunAsTheBodyOfAnAsyncLambda_IsFixedWithoutParentheses()
    {
        const string Source = Usings + """
            class C
            {
                static Task MainAsync() => Task.CompletedTask;

                void M()
                {
                    Func<Task> f = async () => {|#0:AsyncIO.Run(MainAsync)|};
                }
            }
            """;
        const string Fixed = Usings + """
            class C
            {
                static Task MainAsync() => Task.CompletedTask;

                void M()
                {
                    Func<Task> f = async () => await MainAsync();
                }
            }
            """;

        await Verifier.CodeFixAsync(Source, Fixed, Verifier.Diagnostic(0));
    }
}
