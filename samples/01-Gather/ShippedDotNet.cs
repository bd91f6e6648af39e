namespace AsyncNotes.Samples.Gather;

/// <summary>Part 7: the notes' gather as a .NET program would ship it, with the BCL only (the README's third column).</summary>
internal static class ShippedDotNet
{
    /// <summary>Runs both idioms against <paramref name="api"/>; returns the lines to print.</summary>
    public static async Task<List<string>> RunAsync(HttpClient http, LocalApi api, CancellationToken cancellationToken = default)
    {
        var lines = new List<string>();

        // Task.WhenAll: every request starts at once (tasks are hot). Awaiting WhenAll throws only the first failure, so
        // read each task for the whole story.
        string[] paths = ["users/1", "users/x", "users/3"];
        Task<string>[] requests = [.. paths.Select(path => http.GetStringAsync(path, cancellationToken))];
        try
        {
            await Task.WhenAll(requests);
        }
        catch (HttpRequestException first)
        {
            lines.Add($"await Task.WhenAll(...) threw {first.GetType().Name} ({first.StatusCode}); each task read:");
        }

        for (int i = 0; i < requests.Length; i++)
        {
            lines.Add($"  {paths[i]}: {await DescribeAsync(requests[i])}");
        }

        // Parallel.ForEachAsync: the notes' Semaphore(2) and gather in one call, bodies on the thread pool. It returns no
        // results: each body stores its own.
        api.ResetMaxInFlight();
        string[] users = new string[6];
        var options = new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, users.Length), options, async (i, ct) =>
            users[i] = await http.GetStringAsync($"users/{i + 1}", ct));
        lines.Add($"Parallel.ForEachAsync, MaxDegreeOfParallelism = 2: {users.Count(user => user.Length > 0)} of 6 users; " +
                  $"never more than 2 at once on the server: {api.MaxInFlight <= 2}");
        return lines;
    }

    // Awaiting a finished task returns its result or throws its own exception: that is how each one is read.
    private static async Task<string> DescribeAsync(Task<string> request)
    {
        try
        {
            return await request;
        }
        catch (HttpRequestException failure)
        {
            return $"failed, HTTP {(int?)failure.StatusCode} {failure.StatusCode}";
        }
    }
}
