namespace AsyncNotes.Samples.CommonMistakes;

/// <summary>Mistake 3, <c>await</c> one by one where <c>gather</c> was meant: five independent fetches, awaited in a loop,
/// take five times as long as the same five gathered. On the virtual clock, drawn.</summary>
internal static class SequentialAwaits
{
    private static readonly int[] Ids = [1, 2, 3, 4, 5];

    public static void Run(PartLog log) => AsyncIO.Run(() => PartAsync(log), EventLoopOptions.Virtual);

    private static async Task PartAsync(PartLog log)
    {
        log.Part("3. await one by one where gather was meant (sequential-awaits)");
        var timeline = new Timeline();

        // Wrong: each fetch waits for the one before it, though none needs the other's result.
        var users = new List<string>();
#pragma warning disable AN0003 // the mistake, on purpose: this part measures it
        foreach (int id in Ids)
        {
            users.Add(await timeline.RecordAsync($"one by one {id}", ct => Users.FetchUserAsync(id, ct)));
        }
#pragma warning restore AN0003
        log.Print($"wrong: {users.Count} users awaited one by one");

        // Fixed: start them all, then wait for all.
        string[] gathered = await AsyncIO.GatherAsync(Ids.Select(id => (Func<CancellationToken, Task<string>>)(ct =>
            timeline.RecordAsync($"gathered {id}", token => Users.FetchUserAsync(id, token), ct))));
        log.Print($"fixed: {gathered.Length} users gathered, 0.5s after the loop above ended");
        log.Write(timeline.ToGantt(width: 40));
        log.Write("caught by: AN0003 (AsyncNotes.Analyzers, informational: only you know whether the items are independent)");
    }
}
