namespace AsyncNotes.Tests.Infrastructure;

/// <summary>Shortcuts for running test code on a virtual-time event loop.</summary>
public static class TestLoop
{
    /// <summary>The current loop; fails the test when called off a loop.</summary>
    public static EventLoop Current => EventLoop.Current ?? throw new InvalidOperationException("Not on an event loop.");

    /// <summary>The current loop's clock.</summary>
    public static TimeSpan Now => Current.Elapsed;

    /// <summary>Runs <paramref name="main"/> on a new virtual-time loop.</summary>
    public static void RunVirtual(Func<Task> main) => AsyncIO.Run(main, EventLoopOptions.Virtual);

    /// <summary>Runs <paramref name="main"/> on a new virtual-time loop and returns its result.</summary>
    public static T RunVirtual<T>(Func<Task<T>> main) => AsyncIO.Run(main, EventLoopOptions.Virtual);

    /// <summary>Seconds as a <see cref="TimeSpan"/>, so tests read like asyncio's <c>sleep(1)</c>.</summary>
    public static TimeSpan Seconds(double seconds) => TimeSpan.FromSeconds(seconds);
}
