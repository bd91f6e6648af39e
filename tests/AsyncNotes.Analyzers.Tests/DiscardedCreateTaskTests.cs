using Verifier = AsyncNotes.Analyzers.Tests.Verify<AsyncNotes.Analyzers.DiscardedCreateTaskAnalyzer, AsyncNotes.Analyzers.ForgetInsteadOfDiscardCodeFix>;

namespace AsyncNotes.Analyzers.Tests;

// AN0005: the task of AsyncIO.CreateTask discarded (asyncio.create_task(...) without keeping a reference).
public sealed class DiscardedCreateTaskTests
{
    [Fact]
    public async Task ADiscard_IsReported_AndFixedToForget()
    {
        const string Source = """
            using System.Threading;
            using System.Threading.Tasks;
            using AsyncNotes;

            class C
            {
                static Task SendMetricsAsync(CancellationToken ct) => Task.CompletedTask;

                async Task M()
                {
                    // fire and forget
                    _ = {|#0:AsyncIO.CreateTask(SendMetricsAsync, name: "metrics")|};
                    _ = {|#1:AsyncIO.CreateTask(ct => Task.FromResult(1))|};
                    await Task.Yield();
                }
            }
            """;
        const string Fixed = """
            using System.Threading;
            using System.Threading.Tasks;
            using AsyncNotes;

            class C
            {
                static Task SendMetricsAsync(CancellationToken ct) => Task.CompletedTask;

                async Task M()
                {
                    // fire and forget
                    AsyncIO.CreateTask(SendMetricsAsync, name: "metrics").Forget();
                    AsyncIO.CreateTask(ct => Task.FromResult(1)).Forget();
                    await Task.Yield();
                }
            }
            """;

        await Verifier.CodeFixAsync(Source, Fixed, Verifier.Diagnostic(0), Verifier.Diagnostic(1));
    }

    [Fact]
    public async Task ADiscard_WithoutTheNamespaceImported_GetsTheUsingWithItsFix()
    {
        const string Source = """
            using System.Threading.Tasks;

            class C
            {
                void M()
                {
                    _ = {|#0:AsyncNotes.AsyncIO.CreateTask(ct => Task.CompletedTask)|};
                }
            }
            """;
        const string Fixed = """
            using System.Threading.Tasks;
            using AsyncNotes;

            class C
            {
                void M()
                {
                    AsyncNotes.AsyncIO.CreateTask(ct => Task.CompletedTask).Forget();
                }
            }
            """;

        await Verifier.CodeFixAsync(Source, Fixed, Verifier.Diagnostic(0));
    }

    [Fact]
    public async Task ALocalNeverRead_IsReported_WithoutAFix()
    {
        const string Source = """
            using System.Threading.Tasks;
            using AsyncNotes;

            class C
            {
                async Task M()
                {
                    Task worker = {|#0:AsyncIO.CreateTask(ct => Task.Delay(10, ct))|};
                    await Task.Yield();
                }
            }
            """;

        await Verifier.CodeFixAsync(Source, Source, Verifier.Diagnostic(0));
    }

    [Fact]
    public async Task AwaitedKeptForgottenOrPassedOn_IsNotReported()
    {
        // TaskGroup.CreateTask is not reported: the group awaits its children. A bare statement is CS4014's and VSTHRD110's.
        const string Source = """
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using AsyncNotes;

            class C
            {
                readonly List<Task> _background = new();
                Task? _worker;

                async Task<int> M()
                {
                    Task<int> a = AsyncIO.CreateTask(ct => Task.FromResult(1));
                    _worker = AsyncIO.CreateTask(ct => Task.CompletedTask);
                    _background.Add(AsyncIO.CreateTask(ct => Task.CompletedTask));
                    AsyncIO.CreateTask(ct => Task.CompletedTask).Forget();
                    await AsyncIO.CreateTask(ct => Task.CompletedTask);
                    await TaskGroup.RunAsync(tg =>
                    {
                        _ = tg.CreateTask(ct => Task.CompletedTask);
                        return Task.CompletedTask;
                    });
                    return await a;
                }
            }
            """;

        await Verifier.AnalyzerAsync(Source);
    }

    [Fact]
    public async Task ADiscardThroughAConditionalCoalesceOrSwitch_OrALocalOnlyWritten_IsReported()
    {
        const string Source = """
            using System.Threading.Tasks;
            using AsyncNotes;

            class C
            {
                static Task W(System.Threading.CancellationToken ct) => Task.CompletedTask;

                void M(bool b, Task? t, int k)
                {
                    _ = b ? {|#0:AsyncIO.CreateTask(W)|} : t;
                    _ = t ?? {|#1:AsyncIO.CreateTask(W)|};
                    _ = k switch { 0 => {|#2:AsyncIO.CreateTask(W)|}, _ => Task.CompletedTask };
                    Task? later = null;
                    later = {|#3:AsyncIO.CreateTask(W)|};
                    Task overwritten = {|#4:AsyncIO.CreateTask(W)|};
                    overwritten = Task.CompletedTask;
                }
            }
            """;

        await Verifier.AnalyzerAsync(
            Source, Verifier.Diagnostic(0), Verifier.Diagnostic(1), Verifier.Diagnostic(2), Verifier.Diagnostic(3), Verifier.Diagnostic(4));
    }

    [Fact]
    public async Task ALocalAssignedLaterAndAwaited_IsNotReported()
    {
        const string Source = """
            using System.Threading.Tasks;
            using AsyncNotes;

            class C
            {
                async Task M(bool b)
                {
                    Task? later = null;
                    if (b)
                    {
                        later = AsyncIO.CreateTask(ct => Task.CompletedTask);
                    }

                    Task chosen = b ? AsyncIO.CreateTask(ct => Task.CompletedTask) : Task.CompletedTask;
                    await chosen;
                    await (later ?? Task.CompletedTask);
                }
            }
            """;

        await Verifier.AnalyzerAsync(Source);
    }
}
