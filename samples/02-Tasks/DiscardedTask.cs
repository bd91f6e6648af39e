using System.Runtime.CompilerServices;

namespace AsyncNotes.Samples.Tasks;

/// <summary>Trap <c>discarded-task</c>: a failing task that nobody awaits. When does anyone hear of its failure? Measured on
/// the loop's virtual clock, against a task that fails at t=1s in a 10 s run, and off a loop, where only the garbage
/// collector notices.</summary>
internal static class DiscardedTask
{
    private static readonly TimeSpan RunLength = TimeSpan.FromSeconds(10);

    private enum Keep
    {
        Discard,
        InAList,
        Forget,
    }

    public static void Run(PartLog log)
    {
        log.Part("discarded-task: a failing task nobody awaits");
        log.Write($"bad: _ = AsyncIO.CreateTask(SendMetricsAsync): {HeardAt(Keep.Discard)}");
        log.Write($"bad: background.Add(AsyncIO.CreateTask(SendMetricsAsync)), never awaited: {HeardAt(Keep.InAList)}");
        log.Write($"bad, off a loop: _ = SendMetricsAsync(): {OffTheLoopDiscarded()}");
        log.Write($"good: AsyncIO.CreateTask(SendMetricsAsync).Forget(): {HeardAt(Keep.Forget)}");
        log.Write($"good, off a loop: SendMetricsAsync().Forget(): {OffTheLoopForgotten()}");
        log.Write("caught by: AN0005 for the discarded CreateTask; CS4014 and VSTHRD110 for a bare call; nothing for a task kept and never awaited");
    }

    // A 10 s main that starts a task failing at t=1s; says when the loop's exception handler heard of it, and whether a
    // run without a handler would have thrown it.
    private static string HeardAt(Keep keep)
    {
        var background = new List<Task>(); // outlives the run, as a service's field would
        string heard = Heard(keep, background, withHandler: true);
        string withoutHandler = Heard(keep, background, withHandler: false);
        GC.KeepAlive(background);
        return $"{heard}; without a handler, AsyncIO.Run {withoutHandler}";
    }

    private static string Heard(Keep keep, List<Task> background, bool withHandler)
    {
        EventLoop? loop = null;
        var heard = new List<TimeSpan>();
        EventLoopOptions options = withHandler
            ? EventLoopOptions.Virtual with { ExceptionHandler = _ => heard.Add(loop!.Elapsed) }
            : EventLoopOptions.Virtual;
        try
        {
            AsyncIO.Run(
                async () =>
                {
                    loop = EventLoop.Current;
                    Start(keep, background);
                    await AsyncIO.SleepAsync(RunLength);
                },
                options);
        }
        catch (InvalidOperationException failure)
        {
            return $"threw \"{failure.Message}\", stopping at t={loop!.Elapsed.TotalSeconds:0.###}s";
        }

        if (!withHandler)
        {
            return "returned normally: the failure is lost";
        }

        return heard.Count == 0
            ? "the failure at t=1s never reached the exception handler"
            : $"the failure at t=1s reached the exception handler at t={heard[0].TotalSeconds:0.###}s";
    }

    // Not inlined, so no local of the caller keeps the task alive.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Start(Keep keep, List<Task> background)
    {
        switch (keep)
        {
            case Keep.Discard:
#pragma warning disable AN0005 // the trap, on purpose: this line measures when its failure is heard of
                _ = AsyncIO.CreateTask(SendMetricsAsync, name: "metrics");
#pragma warning restore AN0005
                break;
            case Keep.InAList:
                background.Add(AsyncIO.CreateTask(SendMetricsAsync, name: "metrics"));
                break;
            default:
                AsyncIO.CreateTask(SendMetricsAsync, name: "metrics").Forget();
                break;
        }
    }

    private static async Task SendMetricsAsync(CancellationToken cancellationToken)
    {
        await AsyncIO.SleepAsync(TimeSpan.FromSeconds(1), cancellationToken);
        throw new InvalidOperationException("metrics endpoint refused the batch");
    }

    // Off a loop, a discarded task's failure is seen by TaskScheduler.UnobservedTaskException, and only once the garbage
    // collector has finalised the task: whenever memory asks for a collection, maybe never. Forced here.
    private static string OffTheLoopDiscarded()
    {
        var thrown = new StrongBox<Exception?>();
        bool raised = false;
        void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e)
        {
            if (e.Exception.InnerExceptions.Any(inner => ReferenceEquals(inner, thrown.Value)))
            {
                raised = true;
                e.SetObserved();
            }
        }

        TaskScheduler.UnobservedTaskException += OnUnobserved;
        try
        {
            WeakReference<Task> task = StartOffTheLoop(thrown);
            if (!SpinWait.SpinUntil(() => IsCompleted(task), TimeSpan.FromSeconds(30)))
            {
                throw new InvalidOperationException("The task did not fail within 30 s.");
            }

#pragma warning disable S1215 // the point of the line: a discarded task's failure surfaces only at a collection
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            GC.WaitForPendingFinalizers();
#pragma warning restore S1215
            return $"nothing when it failed; TaskScheduler.UnobservedTaskException after GC.Collect(): {raised}";
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= OnUnobserved;
        }
    }

    // Off a loop, Forget() raises AsyncIO.ForgottenTaskFailed on the thread that completed the task, when it fails.
    private static string OffTheLoopForgotten()
    {
        var thrown = new StrongBox<Exception?>();
        using var reported = new ManualResetEventSlim();
        void OnForgotten(object? sender, ForgottenTaskFailedEventArgs e)
        {
            if (ReferenceEquals(e.Exception, thrown.Value))
            {
                reported.Set();
            }
        }

        AsyncIO.ForgottenTaskFailed += OnForgotten;
        try
        {
            FailSoonAsync(thrown).Forget("metrics");
            return $"AsyncIO.ForgottenTaskFailed raised when it failed: {reported.Wait(TimeSpan.FromSeconds(30))}";
        }
        finally
        {
            AsyncIO.ForgottenTaskFailed -= OnForgotten;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference<Task> StartOffTheLoop(StrongBox<Exception?> thrown)
    {
        Task task = FailSoonAsync(thrown);
        return new WeakReference<Task>(task);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool IsCompleted(WeakReference<Task> task) => !task.TryGetTarget(out Task? target) || target.IsCompleted;

    private static async Task FailSoonAsync(StrongBox<Exception?> thrown)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(10));
        throw thrown.Value = new InvalidOperationException("metrics endpoint refused the batch");
    }
}
