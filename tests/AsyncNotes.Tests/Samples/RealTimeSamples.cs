namespace AsyncNotes.Tests.Samples;

/// <summary>The tests that run samples on the real clock, and hold their output to the README's text: they run one at a time,
/// after this assembly's parallel tests, so that no other test of this process can starve the thread pool under a sample or
/// stretch its real-time steps with CPU-bound work (the other test projects still run in processes of their own) (sample 10 abandons an HTTP attempt after 2 s: with the pool starved by blocked work items, a harness saw 100 ms
/// calls miss that, and the sample print retries its README does not show).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RealTimeSamples
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Samples on the real clock";
}
