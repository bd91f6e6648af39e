namespace AsyncNotes.Http;

/// <summary>How far a fetch of many requests has got: reported through <see cref="IProgress{T}"/> each time one ends.</summary>
/// <param name="Completed">Requests ended so far, failed ones included.</param>
/// <param name="Failed">Of those, the ones that failed (an exception, an unsuccessful status code, or a cancellation).</param>
/// <param name="Total">Requests in the fetch.</param>
public readonly record struct FetchProgress(int Completed, int Failed, int Total);
