using AsyncNotes;
using AsyncNotes.Samples.Gather; // LocalApi, the file of sample 01, compiled into this sample too
using Polly;

namespace AsyncNotes.Samples.Semaphores;

/// <summary>Section 4 of the notes, "Semaphore — Limit Concurrency": <c>asyncio.Semaphore</c>, and its relatives
/// <c>Lock</c>, <c>Event</c>, <c>Condition</c> and <c>Barrier</c>.</summary>
public static class SemaphoreSample
{
    private const int Requests = 30;
    private const int Limit = 10;

    // The server's latency in part 1, in real time: long enough for ten requests to overlap, short enough to be quick.
    private static readonly TimeSpan ServerLatency = TimeSpan.FromMilliseconds(50);

    // The four ways to send every item with at most Limit in flight, in the order the notes teach them.
    private static readonly (string Name, Way Run)[] Ways =
    [
        ("SemaphoreSlim + AcquireAsync", WithSemaphoreSlimAsync),
        ("AsyncSemaphore", WithAsyncSemaphoreAsync),
        ("AsyncIO.MapAsync", WithMapAsync),
        ("Polly concurrency limiter", WithPollyAsync),
    ];

    /// <summary>Sends every item with <paramref name="send"/>, at most <see cref="Limit"/> at once, and returns the results in
    /// input order.</summary>
    private delegate Task<string[]> Way(IReadOnlyList<string> items, Func<string, CancellationToken, Task<string>> send, CancellationToken cancellationToken);

    /// <summary>Runs every part of the sample, writing to <paramref name="output"/>.</summary>
    public static void Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var log = new PartLog(output);

        // Part 1 is real I/O on the real clock: HTTP against a server the sample starts on 127.0.0.1.
        AsyncIO.Run(() => OverHttpAsync(log));

        // Parts 2 to 7 run on the virtual clock: exact times, the same output on every run.
        AsyncIO.Run(() => OnTheVirtualClockAsync(log), EventLoopOptions.Virtual);
    }

    // (a) The BCL's semaphore, taught first: AcquireAsync returns a releaser, so `using` is asyncio's `async with sem:`.
    private static async Task<string[]> WithSemaphoreSlimAsync(
        IReadOnlyList<string> items, Func<string, CancellationToken, Task<string>> send, CancellationToken cancellationToken)
    {
        using var sem = new SemaphoreSlim(Limit);
        return await AsyncIO.GatherAsync(items.Select(async item =>
        {
            using (await sem.AcquireAsync(cancellationToken))
            {
                return await send(item, cancellationToken);
            }
        }), cancellationToken);
    }

    // (b) The same code on AsyncSemaphore: asyncio's rules, written down (first come, first served; a permit handed to a
    // waiter cancelled before it ran goes back).
    private static async Task<string[]> WithAsyncSemaphoreAsync(
        IReadOnlyList<string> items, Func<string, CancellationToken, Task<string>> send, CancellationToken cancellationToken)
    {
        var sem = new AsyncSemaphore(Limit);
        return await AsyncIO.GatherAsync(items.Select(async item =>
        {
            using (await sem.AcquireAsync(cancellationToken))
            {
                return await send(item, cancellationToken);
            }
        }), cancellationToken);
    }

    // (c) No semaphore in sight: MapAsync starts an item only when a slot is free and yields the results in input order.
    private static async Task<string[]> WithMapAsync(
        IReadOnlyList<string> items, Func<string, CancellationToken, Task<string>> send, CancellationToken cancellationToken)
    {
        var results = new List<string>();
        await foreach (string result in AsyncIO.MapAsync(items, send, maxConcurrency: Limit, cancellationToken: cancellationToken))
        {
            results.Add(result);
        }

        return [.. results];
    }

    // (d) Polly's concurrency limiter (System.Threading.RateLimiting's ConcurrencyLimiter): ten run, up to thirty queue, a
    // call beyond that is rejected (RateLimiterRejectedException). Polly continues on the thread pool unless its context
    // says otherwise; on a loop, ask for the captured context so that every step comes back to the loop.
    private static async Task<string[]> WithPollyAsync(
        IReadOnlyList<string> items, Func<string, CancellationToken, Task<string>> send, CancellationToken cancellationToken)
    {
        ResiliencePipeline pipeline = new ResiliencePipelineBuilder()
            .AddConcurrencyLimiter(permitLimit: Limit, queueLimit: Requests)
            .Build();
#pragma warning disable AN0004 // bounded: the pipeline's concurrency limiter is the limit, inside ExecuteAsync where the analyzer cannot see
        return await AsyncIO.GatherAsync(items.Select(async item =>
        {
            ResilienceContext context = ResilienceContextPool.Shared.Get(continueOnCapturedContext: true, cancellationToken);
            try
            {
                return await pipeline.ExecuteAsync(
                    async (ctx, state) => await send(state, ctx.CancellationToken), context, item);
            }
            finally
            {
                ResilienceContextPool.Shared.Return(context);
            }
        }), cancellationToken);
#pragma warning restore AN0004
    }

    private static async Task OverHttpAsync(PartLog log)
    {
        // 1. The notes' example: thirty requests, never more than ten at once, and the server counts what it sees.
        log.Part($"1. {Requests} requests to a local server (127.0.0.1), {Limit} at a time, four ways");
        await using LocalApi api = await LocalApi.StartAsync(ServerLatency);
        HttpClient http = api.CreateClient(); // from IHttpClientFactory: pooled connections, nothing to dispose per client
        string[] urls = [.. Enumerable.Range(1, Requests).Select(id => $"users/{id}")];
        string[] expected = [.. Enumerable.Range(1, Requests).Select(id => $$"""{"id":{{id}},"name":"user {{id}}"}""")];
#pragma warning disable AN0003 // one way at a time on purpose: each resets and then reads the server's high-water mark
        foreach ((string name, Way way) in Ways)
        {
            api.ResetMaxInFlight();
            string[] responses = await way(urls, (url, ct) => http.GetStringAsync(url, ct), CancellationToken.None);
            string order = responses.SequenceEqual(expected) ? "in input order" : "NOT in input order";
            log.Write($"{name,-30}{responses.Length} responses {order}; the server saw at most {api.MaxInFlight} at once");
        }
#pragma warning restore AN0003
    }

    private static async Task OnTheVirtualClockAsync(PartLog log)
    {
        await CapOnTheVirtualClockAsync(log);
        await GrantedThenCancelledAsync(log);
        await LockAsync(log);
        await EventAsync(log);
        await ConditionAsync(log);
        await BarrierAsync(log);
    }

    private static async Task CapOnTheVirtualClockAsync(PartLog log)
    {
        // 2. The same four ways with a one-second sleep standing in for each request: three waves of ten.
        log.Part($"2. the same cap on the virtual clock: {Requests} jobs of 1s, {Limit} at a time");
        string[] jobs = [.. Enumerable.Range(1, Requests).Select(i => $"job {i}")];
        Timeline? chart = null;
        foreach ((string name, Way way) in Ways)
        {
            var timeline = new Timeline();
            int running = 0, highWater = 0;
            TimeSpan start = EventLoop.Current!.Elapsed;
            string[] done = await way(
                jobs,
                (job, ct) => timeline.RecordAsync(
                    job,
                    async token =>
                    {
                        highWater = Math.Max(highWater, ++running);
                        try
                        {
                            await AsyncIO.SleepAsync(TimeSpan.FromSeconds(1), token);
                            return job;
                        }
                        finally
                        {
                            running--;
                        }
                    },
                    ct),
                CancellationToken.None);
            TimeSpan took = EventLoop.Current.Elapsed - start;
            log.Write($"{name,-30}{done.Length} jobs in {took.TotalSeconds:0.###}s, at most {highWater} running at once");
            if (name == "AsyncSemaphore")
            {
                chart = timeline;
            }
        }

        log.Write("AsyncSemaphore's run, each job from the moment it holds a permit:");
        log.Write(chart!.ToGantt(30));
    }

    private static async Task GrantedThenCancelledAsync(PartLog log)
    {
        // 3. Where the two semaphores differ: the holder releases, the permit is handed to the waiter, and the waiter's token
        // is cancelled in the same turn, before the waiter has run.
        log.Part("3. a waiter cancelled just as it is handed the permit");
        using (var slim = new SemaphoreSlim(1))
        {
            await HandOverThenCancelAsync(log, "SemaphoreSlim ", ct => slim.AcquireAsync(ct), () => slim.CurrentCount);
        }

        var sem = new AsyncSemaphore(1);
        await HandOverThenCancelAsync(log, "AsyncSemaphore", ct => sem.AcquireAsync(ct), () => sem.CurrentCount);
    }

    private static async Task HandOverThenCancelAsync(
        PartLog log, string name, Func<CancellationToken, Task<AsyncReleaser>> acquire, Func<int> currentCount)
    {
        AsyncReleaser held = await acquire(CancellationToken.None);
        using var cancellation = new CancellationTokenSource();
        Task<AsyncReleaser> waiter = acquire(cancellation.Token);
        await held.DisposeAsync();    // completes at once: the permit is handed to the waiter...
        CancelNow(cancellation);      // ...whose token is cancelled in the same turn, before the waiter runs
        try
        {
            using (await waiter)
            {
                log.Write($"{name}  the await succeeds: the cancelled waiter holds the permit (free permits: {currentCount()})");
            }
        }
        catch (OperationCanceledException)
        {
            log.Write($"{name}  the await throws OperationCanceledException: the permit went back (free permits: {currentCount()})");
        }
    }

    private static async Task LockAsync(PartLog log)
    {
        // 4. A read, an await, a write: without a lock the second deposit overwrites the first.
        log.Part("4. Lock: two deposits, each a read, an await and a write");
        int balance = 100;
        var guard = new AsyncLock();

        async Task DepositAsync(string who, int amount)
        {
            int read = balance;
            log.Print($"{who} reads {read}");
            await AsyncIO.SleepAsync(TimeSpan.FromSeconds(0.1)); // the bank's round trip
            balance = read + amount;
            log.Print($"{who} writes {balance}");
        }

        async Task LockedDepositAsync(string who, int amount)
        {
            using (await guard.AcquireAsync())
            {
                await DepositAsync(who, amount);
            }
        }

        log.Write("without a lock:");
        await Task.WhenAll(DepositAsync("alice", 50), DepositAsync("bob", 30));
        log.Print($"balance {balance}: alice's 50 is lost");

        log.Write("with an AsyncLock:");
        balance = 100;
        await Task.WhenAll(LockedDepositAsync("alice", 50), LockedDepositAsync("bob", 30));
        log.Print($"balance {balance}");
    }

    private static async Task EventAsync(PartLog log)
    {
        // 5. One signal, many waiters: set() wakes every waiter, in the order they began to wait, and stays set.
        log.Part("5. Event: workers wait for the cache to warm up; Set() wakes them all");
        var warm = new AsyncEvent();

        async Task WorkerAsync(string name, double arrives)
        {
            await AsyncIO.SleepAsync(TimeSpan.FromSeconds(arrives));
            log.Print($"{name} waits{(warm.IsSet ? ": the event is set already" : "")}");
            await warm.WaitAsync();
            log.Print($"{name} goes");
        }

        async Task WarmUpAsync()
        {
            await AsyncIO.SleepAsync(TimeSpan.FromSeconds(2));
            log.Print("cache warm: Set()");
            warm.Set();
        }

        await Task.WhenAll(WorkerAsync("worker 1", 0), WorkerAsync("worker 2", 0.5), WorkerAsync("worker 3", 1), WarmUpAsync(), WorkerAsync("worker 4", 3));
    }

    private static async Task ConditionAsync(PartLog log)
    {
        // 6. Waiting for a state, under a lock: wait_for re-tests its predicate after every notification.
        log.Part("6. Condition: customers wait for a loaf; the baker notifies");
        var cond = new AsyncCondition();
        var loaves = new Queue<string>();
        bool closed = false;

        async Task CustomerAsync(string name)
        {
            using (await cond.AcquireAsync())
            {
                log.Print($"{name} waits for a loaf");
                bool woken = false; // the predicate's first test is before any wait
                await cond.WaitForAsync(() =>
                {
                    bool ready = loaves.Count > 0 || closed;
                    if (!ready && woken)
                    {
                        log.Print($"{name} is woken, finds no loaf, waits again");
                    }

                    woken = true;
                    return ready;
                });
                log.Print(loaves.TryDequeue(out string? loaf) ? $"{name} takes {loaf}" : $"{name} leaves with nothing: closed");
            }
        }

        async Task BakerAsync()
        {
            await AsyncIO.SleepAsync(TimeSpan.FromSeconds(1));
            using (await cond.AcquireAsync())
            {
                loaves.Enqueue("loaf 1");
                log.Print("baker: one loaf, Notify(1)");
                cond.Notify(1);
            }

            await AsyncIO.SleepAsync(TimeSpan.FromSeconds(1));
            using (await cond.AcquireAsync())
            {
                loaves.Enqueue("loaf 2");
                loaves.Enqueue("loaf 3");
                log.Print("baker: a tray of two, NotifyAll()");
                cond.NotifyAll();
            }

            await AsyncIO.SleepAsync(TimeSpan.FromSeconds(1));
            using (await cond.AcquireAsync())
            {
                closed = true;
                log.Print("baker: closing, NotifyAll()");
                cond.NotifyAll();
            }
        }

        await Task.WhenAll(CustomerAsync("ann"), CustomerAsync("ben"), CustomerAsync("cat"), CustomerAsync("dan"), BakerAsync());
    }

    private static async Task BarrierAsync(PartLog log)
    {
        // 7. Everyone waits for everyone: the last to arrive trips the barrier, and it fills again for the next round.
        log.Part("7. Barrier(3): three players load, then play, each round starting together");
        var barrier = new AsyncBarrier(3);

        async Task PlayerAsync(string name, double loading, double playing)
        {
            await AsyncIO.SleepAsync(TimeSpan.FromSeconds(loading));
            log.Print($"{name} loaded, waits ({barrier.WaitingCount} waiting before it)");
            int index = await barrier.WaitAsync();
            log.Print($"{name} starts level 1 (arrived {index})");

            await AsyncIO.SleepAsync(TimeSpan.FromSeconds(playing));
            log.Print($"{name} finished level 1, waits");
            index = await barrier.WaitAsync();
            log.Print($"{name} starts level 2 (arrived {index})");
        }

        await Task.WhenAll(PlayerAsync("ann", 1, 2), PlayerAsync("ben", 2, 0.5), PlayerAsync("cat", 3, 1));
    }

    // On the loop, cancel synchronously: the token's callbacks then run on the loop thread, in order.
    private static void CancelNow(CancellationTokenSource source) => source.Cancel();
}
