using AsyncNotes;
using AsyncNotes.Samples.Gather; // LocalApi, the file of sample 01, compiled into this sample too

namespace AsyncNotes.Samples.TaskGroups;

/// <summary>Section 3 of the notes, its third part: <c>async with asyncio.TaskGroup() as tg:</c>, structured concurrency.</summary>
public static class TaskGroupSample
{
    private static readonly string[] Pages = ["users/1", "users/2", "users/3"];

    // Parts 2 to 4 run the same four requests; two of them fail.
    private static readonly Request[] Requests =
    [
        new("profile", 1),
        new("orders", 0.5, "orders: 503 Service Unavailable"),
        new("prices", 2, "prices: 500 Internal Server Error"),
        new("history", 3),
    ];

    /// <summary>Runs every part of the sample, writing to <paramref name="output"/>.</summary>
    public static void Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var log = new PartLog(output);

        // Part 1 is real I/O on the real clock: HTTP against a server the sample starts on 127.0.0.1.
        AsyncIO.Run(() => OverHttpAsync(log));

        // Parts 2 to 5 run on the virtual clock: exact times, the same output on every run.
        AsyncIO.Run(() => OnTheVirtualClockAsync(log), EventLoopOptions.Virtual);
    }

    private static async Task OverHttpAsync(PartLog log)
    {
        // 1. The notes' block: create the children, leave the block, and every child has ended.
        log.Part("1. a TaskGroup fetches three pages from a local server (127.0.0.1)");
        await using LocalApi api = await LocalApi.StartAsync();
        HttpClient http = api.CreateClient(); // from IHttpClientFactory: pooled connections, nothing to dispose per client
        Task<string>[] pages = [];
        await TaskGroup.RunAsync(tg =>
        {
            pages = [.. Pages.Select(page => tg.CreateTask(ct => http.GetStringAsync(page, ct), name: page))];
            log.Write($"created, none started yet: {string.Join(", ", tg.RunningChildren)}");
            return Task.CompletedTask;
        });

        // asyncio's task.result() after the block: every child is done, so each await returns at once.
        foreach (Task<string> page in pages)
        {
            log.Write(await page);
        }
    }

    private static async Task OnTheVirtualClockAsync(PartLog log)
    {
        // 2. One failure cancels the siblings at once; RunAsync throws every failure, in one AggregateException.
        log.Part("2. TaskGroup: the first failure cancels the others; RunAsync throws every failure");
        var timeline = new Timeline();
        using (timeline.Start("TaskGroup"))
        {
            try
            {
                await TaskGroup.RunAsync(tg =>
                {
                    foreach (Request request in Requests)
                    {
                        _ = tg.CreateTask(ct => timeline.RecordAsync(request.Label, () => request.SendAsync(log, ct)), name: request.Name);
                    }

                    return Task.CompletedTask;
                });
            }
            catch (AggregateException failures)
            {
                PrintFailures(log, failures);
            }
        }

        log.Write(timeline.ToGantt(40));

        // 3. Without a group: Task.WhenAll cancels nothing, waits for every task, and await throws only the first failure.
        log.Part("3. Task.WhenAll: nothing is cancelled; await throws the first failure, after the last task");
        timeline = new Timeline();
        using (timeline.Start("Task.WhenAll"))
        {
            // WhenAll has no token to give its tasks, and nothing to cancel them with.
            Task all = Task.WhenAll(Requests.Select(request =>
                timeline.RecordAsync(request.Label, () => request.SendAsync(log, CancellationToken.None))));
            try
            {
                await all;
            }
            catch (HttpRequestException firstFailure)
            {
                log.Print($"await threw one failure: {firstFailure.Message}");
                log.Print($"the other is only in all.Exception, which holds {all.Exception!.InnerExceptions.Count}");
            }
        }

        log.Write(timeline.ToGantt(40));

        // 4. A supervisor group: WhenAll's timing, without losing a failure.
        log.Part("4. Supervisor = true: a failure cancels nothing; RunAsync still throws every failure");
        try
        {
            await TaskGroup.RunAsync(
                tg =>
                {
                    foreach (Request request in Requests)
                    {
                        _ = tg.CreateTask(ct => request.SendAsync(log, ct), name: request.Name);
                    }

                    return Task.CompletedTask;
                },
                new TaskGroupOptions { Supervisor = true });
        }
        catch (AggregateException failures)
        {
            PrintFailures(log, failures);
        }

        // 5. tg.Cancel() (asyncio 3.15): the first answer ends the group early, and that is not an error.
        log.Part("5. tg.Cancel(): the first answer ends the group; the others are cancelled, nothing is thrown");
        string? winner = null;
        await TaskGroup.RunAsync(tg =>
        {
            foreach ((string mirror, double seconds) in new[] { ("mirror-a", 2.0), ("mirror-b", 0.7), ("mirror-c", 1.0) })
            {
                _ = tg.CreateTask(
                    async ct =>
                    {
                        await new Request(mirror, seconds).SendAsync(log, ct);
                        winner = AsyncIO.CurrentTaskName;
                        tg.Cancel();
                    },
                    name: mirror);
            }

            return Task.CompletedTask;
        });
        log.Print($"RunAsync returned; the answer came from {winner}");
    }

    private static void PrintFailures(PartLog log, AggregateException failures)
    {
        int count = failures.InnerExceptions.Count;
        log.Print($"RunAsync threw an AggregateException with {count} {(count == 1 ? "failure" : "failures")}:");
        foreach (Exception failure in failures.InnerExceptions)
        {
            log.Print($"  {failure.GetType().Name}: {failure.Message}");
        }
    }

    /// <summary>A request that takes <paramref name="Seconds"/> on the loop's clock, then fails with <paramref name="Error"/>
    /// if one is given, and logs how it ended.</summary>
    private sealed record Request(string Name, double Seconds, string? Error = null)
    {
        /// <summary>The name, with what the request will do if nothing cancels it: the timelines' rows.</summary>
        public string Label => $"{Name} ({(Error is null ? "" : "fails at ")}{Seconds}s)";

        public async Task SendAsync(PartLog log, CancellationToken cancellationToken)
        {
            try
            {
                await AsyncIO.SleepAsync(TimeSpan.FromSeconds(Seconds), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                log.Print($"{Name} cancelled");
                throw;
            }

            if (Error is not null)
            {
                log.Print($"{Name} failed");
                throw new HttpRequestException(Error);
            }

            log.Print($"{Name} done");
        }
    }
}
