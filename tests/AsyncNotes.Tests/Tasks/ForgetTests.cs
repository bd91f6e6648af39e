using AsyncNotes.Tests.Infrastructure;

namespace AsyncNotes.Tests.Tasks;

public sealed class ForgetTests
{
    [Fact]
    public void Forget_OnALoopWithAHandler_ReportsTheFailureWhenItHappens()
    {
        var reports = new List<string>();
        var failure = new InvalidOperationException("metrics endpoint down");
        var options = EventLoopOptions.Virtual with
        {
            ExceptionHandler = c => reports.Add($"{c.TaskName}: {c.Exception.Message} @{EventLoop.Current!.Elapsed.TotalSeconds}"),
        };

        AsyncIO.Run(
            async () =>
            {
                SendMetricsAsync().Forget("metrics");
                await AsyncIO.SleepAsync(TimeSpan.FromSeconds(5));
            },
            options);

        reports.Should().Equal("metrics: metrics endpoint down @1");

        async Task SendMetricsAsync()
        {
            await AsyncIO.SleepAsync(TimeSpan.FromSeconds(1));
            throw failure;
        }
    }

    [Fact]
    public void Forget_OnALoopWithoutAHandler_StopsTheRunAndThrowsTheFailure()
    {
        var failure = new InvalidOperationException("lost without Forget");

        Action act = () => TestLoop.RunVirtual(async () =>
        {
            FailLaterAsync().Forget();
            await AsyncIO.SleepAsync(TimeSpan.FromHours(1));
        });

        act.Should().Throw<InvalidOperationException>().Which.Should().BeSameAs(failure);

        async Task FailLaterAsync()
        {
            await AsyncIO.SleepAsync(TimeSpan.FromSeconds(1));
            throw failure;
        }
    }

    [Fact]
    public void Forget_TaskIsCancelled_NothingIsReported()
    {
        var reports = new List<Exception>();
        var options = EventLoopOptions.Virtual with { ExceptionHandler = c => reports.Add(c.Exception) };

        AsyncIO.Run(
            async () =>
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1), EventLoop.Current!.Time);
                AsyncIO.SleepAsync(TimeSpan.FromHours(1), cts.Token).Forget();
                await AsyncIO.SleepAsync(TimeSpan.FromSeconds(2));
            },
            options);

        reports.Should().BeEmpty();
    }

    [Fact]
    public async Task Forget_OffTheLoop_RaisesForgottenTaskFailed()
    {
        var failure = new InvalidOperationException("off the loop");
        var reported = new TaskCompletionSource<ForgottenTaskFailedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        EventHandler<ForgottenTaskFailedEventArgs> handler = (_, e) =>
        {
            if (e.TaskName == "off-loop-test")
            {
                reported.TrySetResult(e);
            }
        };
        AsyncIO.ForgottenTaskFailed += handler;
        try
        {
            FailAfterGateAsync().Forget("off-loop-test");
            gate.SetResult();

            ForgottenTaskFailedEventArgs e = await reported.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            e.Exception.Should().BeSameAs(failure);
        }
        finally
        {
            AsyncIO.ForgottenTaskFailed -= handler;
        }

        async Task FailAfterGateAsync()
        {
            await gate.Task;
            throw failure;
        }
    }

    // The difference Forget exists for: a discarded task's failure is seen by nobody when it happens.
    [Fact]
    public void Discard_OnALoop_TheFailureIsNotReportedAtAll()
    {
        var reports = new List<Exception>();
        var options = EventLoopOptions.Virtual with { ExceptionHandler = c => reports.Add(c.Exception) };

        AsyncIO.Run(
            async () =>
            {
                _ = FailLaterAsync();
                await AsyncIO.SleepAsync(TimeSpan.FromSeconds(5));
            },
            options);

        reports.Should().BeEmpty();

        static async Task FailLaterAsync()
        {
            await AsyncIO.SleepAsync(TimeSpan.FromSeconds(1));
            throw new InvalidOperationException("nobody sees this");
        }
    }

    [Fact]
    public void Forget_NullTask_ThrowsArgumentNullException()
    {
        Action act = () => ((Task)null!).Forget();

        act.Should().Throw<ArgumentNullException>().WithParameterName("task");
    }
}
