using System.Runtime.CompilerServices;

namespace AsyncNotes.Samples.RunningSyncCode;

/// <summary>The CPU-bound work of part 3, the same as <c>bench/python/cpu_bench.py</c>'s: chunk <c>k</c> sums
/// <c>i * i % 1,000,003</c> over the <c>size</c> numbers from <c>k * size</c> on.</summary>
internal static class CpuWork
{
    /// <summary>The number of chunks, as in cpu_bench.py.</summary>
    public const int Chunks = 8;

    private const long Modulus = 1_000_003;

    /// <summary>One chunk: <c>sum(i * i % 1_000_003 for i in range(chunk * size, (chunk + 1) * size))</c>.</summary>
    /// <remarks>Optimized from its first call, so that no run is timed while the JIT still runs its first, slow version.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long Chunk(int chunk, long size)
    {
        long total = 0;
        for (long i = chunk * size, end = (chunk + 1) * size; i < end; i++)
        {
            total += i * i % Modulus;
        }

        return total;
    }

    /// <summary>Every chunk, one after another, on the calling thread.</summary>
    public static long Sequential(long size)
    {
        long total = 0;
        for (int chunk = 0; chunk < Chunks; chunk++)
        {
            total += Chunk(chunk, size);
        }

        return total;
    }

    /// <summary>Every chunk with <see cref="Parallel.For(int, int, Action{int})"/>: on the calling thread and thread-pool threads,
    /// and back when all are done (the calling thread blocks meanwhile).</summary>
    public static long ParallelFor(long size)
    {
        long[] parts = new long[Chunks];
        _ = Parallel.For(0, Chunks, chunk => parts[chunk] = Chunk(chunk, size));
        return parts.Sum();
    }
}
