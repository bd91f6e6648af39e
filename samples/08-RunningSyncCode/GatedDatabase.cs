namespace AsyncNotes.Samples.RunningSyncCode;

/// <summary>A blocking database client for part 2: <see cref="Query"/> blocks its thread until the sample lets the database
/// answer that query (<see cref="Answer"/>), so which query runs when is the same on every run, whatever the machine's load.</summary>
internal sealed class GatedDatabase : IDisposable
{
    // A query that is never answered fails after this long rather than hang the sample.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly ManualResetEventSlim[] _answers;
    private readonly TaskCompletionSource[] _started;
    private readonly SortedSet<int> _running = [];
    private int _highWater;

    /// <summary>Creates a database that will be sent queries 1 to <paramref name="queries"/>.</summary>
    public GatedDatabase(int queries)
    {
        _answers = [.. Enumerable.Range(0, queries).Select(_ => new ManualResetEventSlim())];
        _started = [.. Enumerable.Range(0, queries).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously))];
    }

    /// <summary>The most queries that were running at once.</summary>
    public int HighWater
    {
        get
        {
            lock (_running)
            {
                return _highWater;
            }
        }
    }

    /// <summary>The queries running now, e.g. "2 and 3".</summary>
    public string Running
    {
        get
        {
            lock (_running)
            {
                return string.Join(" and ", _running);
            }
        }
    }

    /// <summary>Query number <paramref name="n"/>: a blocking call, like a synchronous database driver's.</summary>
    public string Query(int n)
    {
        lock (_running)
        {
            _ = _running.Add(n);
            _highWater = Math.Max(_highWater, _running.Count);
        }

        _started[n - 1].SetResult();
        try
        {
            if (!_answers[n - 1].Wait(Patience))
            {
                throw new TimeoutException($"query {n} was never answered");
            }

            return $"rows of query {n}";
        }
        finally
        {
            lock (_running)
            {
                _ = _running.Remove(n);
            }
        }
    }

    /// <summary>Completes once query <paramref name="n"/> has started running on some thread.</summary>
    public Task StartedAsync(int n) => _started[n - 1].Task.WaitAsync(Patience);

    /// <summary>Lets the database answer query <paramref name="n"/>: its <see cref="Query"/> call returns.</summary>
    public void Answer(int n) => _answers[n - 1].Set();

    public void Dispose()
    {
        foreach (ManualResetEventSlim answer in _answers)
        {
            answer.Dispose();
        }
    }
}
