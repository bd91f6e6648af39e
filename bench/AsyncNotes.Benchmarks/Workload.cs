namespace AsyncNotes.Benchmarks;

/// <summary>
/// The sizes of the workloads, shared by every benchmark class (and mirrored by <c>bench/python/harness.py</c>).
/// <c>bench/compare.sh --quick</c> sets <c>ASYNCNOTES_BENCH_QUICK=1</c>: every size is then a hundredth, to check the
/// pipeline end to end in minutes; its numbers mean nothing.
/// </summary>
internal static class Workload
{
    /// <summary>The limit on concurrency wherever a workload has one (the "limit 100").</summary>
    public const int Limit = 100;

    /// <summary>True under <c>compare.sh --quick</c>.</summary>
    public static bool Quick { get; } = Environment.GetEnvironmentVariable("ASYNCNOTES_BENCH_QUICK") == "1";

    /// <summary>The one value of a size parameter: <paramref name="full"/>, or a hundredth of it in a quick run.</summary>
    public static IEnumerable<int> Size(int full) => [Quick ? Math.Max(1, full / 100) : full];
}
