namespace AsyncNotes.Http.Tests;

/// <summary>Records every report at once, on the reporting thread (a <see cref="Progress{T}"/> would post them later).</summary>
internal sealed class SyncProgress : IProgress<FetchProgress>
{
    private readonly Lock _gate = new();
    private readonly List<FetchProgress> _reports = [];

    public IReadOnlyList<FetchProgress> Reports
    {
        get
        {
            lock (_gate)
            {
                return [.. _reports];
            }
        }
    }

    public void Report(FetchProgress value)
    {
        lock (_gate)
        {
            _reports.Add(value);
        }
    }
}
