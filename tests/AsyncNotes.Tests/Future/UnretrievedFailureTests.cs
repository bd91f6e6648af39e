using AsyncNotes.Tests.Infrastructure;
using static AsyncNotes.Tests.Infrastructure.TestLoop;

namespace AsyncNotes.Tests.Future;

// Defect 4: a failure that nobody can retrieve any more reaches the loop's exception handler (asyncio's "Task exception was
// never retrieved"), or stops the run; it is never dropped silently.
public sealed class UnretrievedFailureTests
{
    [Fact]
    public void CreateTask_FailsAndIsNeverAwaited_TheFailureReachesTheExceptionHandler()
    {
        var reported = new List<EventLoopExceptionContext>();
        var options = EventLoopOptions.Virtual with { ExceptionHandler = reported.Add };

        AsyncIO.Run(
            async () =>
            {
                StartAndForget();
                await AsyncIO.SleepAsync(Seconds(2));
            },
            options);

        reported.Should().ContainSingle().Which.Exception.Message.Should().Be("lost");
        reported[0].Message.Should().Contain("never retrieved");
    }

    [Fact]
    public void CreateTask_FailsAndIsNeverAwaited_WithoutAHandler_RunThrowsIt()
    {
        Action run = () => RunVirtual(async () =>
        {
            StartAndForget();
            await AsyncIO.SleepAsync(Seconds(2));
        });

        run.Should().Throw<InvalidOperationException>().WithMessage("lost");
    }

    [Fact]
    public void CreateTask_FailureThatWasAwaited_IsNotReported()
    {
        var reported = new List<EventLoopExceptionContext>();
        var options = EventLoopOptions.Virtual with { ExceptionHandler = reported.Add };

        AsyncIO.Run(
            async () =>
            {
                Task failing = AsyncIO.CreateTask(async ct =>
                {
                    await AsyncIO.SleepAsync(Seconds(1), ct);
                    throw new InvalidOperationException("seen");
                });
                (await Capture.ExceptionAsync(() => failing)).Should().BeOfType<InvalidOperationException>();
            },
            options);

        reported.Should().BeEmpty();
    }

    // Not inlined, so that no local of the test keeps the task alive.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void StartAndForget() =>
        _ = AsyncIO.CreateTask(async ct =>
        {
            await AsyncIO.SleepAsync(Seconds(1), ct);
            throw new InvalidOperationException("lost");
        });
}
