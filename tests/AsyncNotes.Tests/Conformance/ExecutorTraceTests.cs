using AsyncNotes.Tests.Infrastructure;
using static AsyncNotes.Tests.Conformance.TraceLog;
using static AsyncNotes.Tests.Infrastructure.TestLoop;

namespace AsyncNotes.Tests.Conformance;

// Twin of CPython's executor trace (66): the log must equal, line by line, what CPython's loop printed.
public sealed class ExecutorTraceTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly AsyncLocal<string> s_request = new();

    // 66_to_thread_loop_keeps_running (TT-01, TT-04). A thread blocked on a gate that a loop task opens after a sleep is
    // the case EventLoopOptions.OffLoopPatience exists for: the loop holds its virtual clock for the tracked work only that
    // long (50 ms here, in real time), then moves on to the ticker's timers, as CPython's virtual loop, where threads take
    // no virtual time, does at once. The contextvar is an AsyncLocal; both reach the thread with the caller's value.
    [Fact]
    public void Trace66_ToThread_TheLoopKeepsRunning_TheResultArrivesThroughTheLoop()
    {
        var log = new EventLog();
        using var started = new ManualResetEventSlim();
        using var gate = new ManualResetEventSlim();

        AsyncIO.Run(
            async () =>
            {
                EventLoop loop = Current;
                void LogOn(string entry) => log.Add(FormattableString.Invariant($"t={loop.Elapsed.TotalSeconds:0.000} {entry}"));

                int Blocking()
                {
                    LogOn($"thread: started, request={s_request.Value ?? "-"}, blocking on the gate");
                    started.Set();
                    gate.Wait(Patience).Should().BeTrue();
                    LogOn("thread: gate open, returning 42");
                    return 42;
                }

                s_request.Value = "req-7";
                Task tick = AsyncIO.CreateTask(async ct =>
                {
                    foreach (int i in new[] { 1, 2 })
                    {
                        await AsyncIO.SleepAsync(Seconds(1), ct);
                        Log(log, $"ticker: tick {i}");
                    }
                });
                Task<int> work = AsyncIO.CreateTask(ct => AsyncIO.ToThreadAsync(Blocking, ct));
                await AsyncIO.SleepAsync(TimeSpan.Zero); // the to_thread task runs its first step and starts the call
                started.Wait(Patience).Should().BeTrue();
                Log(log, $"main: thread running, work.done()={Py(work.IsCompleted)}");
                await AsyncIO.SleepAsync(Seconds(2.5));
                gate.Set();
                SpinWait.SpinUntil(() => loop.ReadyCount > 0, Patience).Should().BeTrue("the thread's result is posted to the loop");
                Log(log, $"main: gate opened, result posted, work.done()={Py(work.IsCompleted)}");
                Log(log, $"main: to_thread returned {await work}");
                await tick;
            },
            EventLoopOptions.Virtual with { OffLoopPatience = TimeSpan.FromMilliseconds(50) });

        log.Entries.Should().Equal(
            "t=0.000 thread: started, request=req-7, blocking on the gate",
            "t=0.000 main: thread running, work.done()=False",
            "t=1.000 ticker: tick 1",
            "t=2.000 ticker: tick 2",
            "t=2.500 thread: gate open, returning 42",
            "t=2.500 main: gate opened, result posted, work.done()=False",
            "t=2.500 main: to_thread returned 42");
    }
}
