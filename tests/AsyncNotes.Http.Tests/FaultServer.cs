using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AsyncNotes.Http.Tests;

/// <summary>A real Kestrel server on 127.0.0.1 and a free port whose endpoints inject faults, and that counts what it
/// saw: attempts per key (and when each arrived), requests in flight and their high-water mark, aborted requests.</summary>
/// <remarks>
/// <list type="bullet">
///   <item><c>GET /ok/{id}?delayMs=</c>: <c>{"id":..,"name":"user .."}</c> after the delay; held by <see cref="HoldUntilInFlight"/>.</item>
///   <item><c>GET /flaky/{key}?failures=N&amp;status=503</c>: that status N times per key, then 200.</item>
///   <item><c>GET /retry-after/{key}?seconds=1</c>: 429 with <c>Retry-After</c> the first time, then 200.</item>
///   <item><c>/status/{code}</c>, any method: that status, always.</item>
///   <item><c>GET /slow?ms=</c>: 200 after <c>ms</c>, unless the request is aborted first (then counted as aborted).</item>
///   <item><c>GET /drop/{key}?times=N</c>: aborts the connection N times per key, then 200.</item>
///   <item><c>POST /orders?failures=1</c>: 503 that many times (once by default), then 201.</item>
/// </list>
/// <para>Keys of <see cref="Attempts"/>: <c>ok/{id}</c>, <c>flaky/{key}</c>, <c>retry-after/{key}</c>, <c>status/{code}</c>,
/// <c>slow</c>, <c>drop/{key}</c>, <c>orders</c>. In flight: <c>/ok</c> and <c>/slow</c> requests, counted down before
/// the answer is written, so a client holding its answer is never still counted.</para>
/// </remarks>
internal sealed class FaultServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<long>> _attempts = new();
    private readonly Lock _gate = new();
    private readonly List<(Func<bool> Condition, TaskCompletionSource Done)> _waiters = [];
    private int _inFlight;
    private int _maxInFlight;
    private int _aborted;
    private int _holdUntil;
    private TaskCompletionSource? _hold;

    private FaultServer(WebApplication app) => _app = app;

    /// <summary>Where the server listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The <c>/ok</c> and <c>/slow</c> requests the server is working on now.</summary>
    public int InFlight
    {
        get
        {
            lock (_gate)
            {
                return _inFlight;
            }
        }
    }

    /// <summary>The most <c>/ok</c> and <c>/slow</c> requests in flight at once.</summary>
    public int MaxInFlight
    {
        get
        {
            lock (_gate)
            {
                return _maxInFlight;
            }
        }
    }

    /// <summary>The requests the server saw aborted by the client (a <c>/slow</c> or <c>/ok</c> request cut short).</summary>
    public int Aborted
    {
        get
        {
            lock (_gate)
            {
                return _aborted;
            }
        }
    }

    /// <summary>Starts the server on 127.0.0.1 and a port the system picks.</summary>
    public static async Task<FaultServer> StartAsync(CancellationToken cancellationToken)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        WebApplication app = builder.Build();
        var server = new FaultServer(app);
        server.Map(app);
        await app.StartAsync(cancellationToken);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address + "/");
        return server;
    }

    /// <summary>How many times <paramref name="key"/> was requested.</summary>
    public int Attempts(string key) => _attempts.TryGetValue(key, out ConcurrentQueue<long>? times) ? times.Count : 0;

    /// <summary>When each request for <paramref name="key"/> arrived, as <see cref="Stopwatch"/> timestamps, in order.</summary>
    public long[] AttemptTimestamps(string key) =>
        _attempts.TryGetValue(key, out ConcurrentQueue<long>? times) ? [.. times.Order()] : [];

    /// <summary>Every key requested, with its count.</summary>
    public IReadOnlyDictionary<string, int> AllAttempts() => _attempts.ToDictionary(p => p.Key, p => p.Value.Count);

    /// <summary>Holds every <c>/ok</c> request until <paramref name="count"/> are in flight at once, then lets them all,
    /// and every later one, through: proof that a client reached that many at once.</summary>
    public void HoldUntilInFlight(int count)
    {
        lock (_gate)
        {
            _holdUntil = count;
            _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Completes when <paramref name="condition"/> (about this server) holds; checked at each change the server sees.</summary>
    /// <exception cref="TimeoutException">Not within 30 s: a guard against a hang, not a synchronisation.</exception>
    public Task WaitUntilAsync(Func<FaultServer, bool> condition, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (condition(this))
            {
                return Task.CompletedTask;
            }

            _waiters.Add((() => condition(this), done));
        }

        return done.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private void Map(WebApplication app)
    {
        app.MapGet("/ok/{id:int}", async (int id, int? delayMs, HttpContext context) =>
        {
            Count($"ok/{id}");
            bool completed = await WorkAsync(context, delayMs ?? 0, held: true);
            return completed ? Results.Text($$"""{"id":{{id}},"name":"user {{id}}"}""", "application/json") : Results.Empty;
        });

        app.MapGet("/flaky/{key}", (string key, int? failures, int? status) =>
            Count($"flaky/{key}") <= (failures ?? 1) ? Results.StatusCode(status ?? 503) : Results.Text("ok"));

        app.MapGet("/retry-after/{key}", (string key, int? seconds, HttpContext context) =>
        {
            if (Count($"retry-after/{key}") == 1)
            {
                context.Response.Headers.RetryAfter = (seconds ?? 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Results.StatusCode(StatusCodes.Status429TooManyRequests);
            }

            return Results.Text("ok");
        });

        app.Map("/status/{code:int}", (int code) =>
        {
            Count($"status/{code}");
            return Results.StatusCode(code);
        });

        app.MapGet("/slow", async (int? ms, HttpContext context) =>
        {
            Count("slow");
            bool completed = await WorkAsync(context, ms ?? 5000, held: false);
            return completed ? Results.Text("slow") : Results.Empty;
        });

        app.MapGet("/drop/{key}", (string key, int? times, HttpContext context) =>
        {
            if (Count($"drop/{key}") <= (times ?? 1))
            {
                context.Abort();
                return Results.Empty;
            }

            return Results.Text("ok");
        });

        // Sends its headers and 10 of the 100 bytes it promises, then stalls until the client goes.
        app.MapGet("/stall-body", async (HttpContext context) =>
        {
            Count("stall-body");
            context.Response.ContentLength = 100;
            await context.Response.Body.WriteAsync(new byte[10], context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // the client gave up: what the test waits for
            }
        });

        app.MapPost("/orders", (int? failures) =>
            Count("orders") <= (failures ?? 1) ? Results.StatusCode(StatusCodes.Status503ServiceUnavailable) : Results.Text("created", statusCode: StatusCodes.Status201Created));
    }

    // The request's work, counted in flight: the hold (for /ok), then the delay. False if the client aborted it.
    private async Task<bool> WorkAsync(HttpContext context, int delayMs, bool held)
    {
        Task hold = EnterAsync(held);
        try
        {
            using var both = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
            await hold.WaitAsync(both.Token);
            if (delayMs > 0)
            {
                await Task.Delay(delayMs, both.Token); // the fault itself: a slow server
            }

            return true;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            Change(() => _aborted++);
            return false;
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return false;
        }
        finally
        {
            Change(() => _inFlight--);
        }
    }

    private Task EnterAsync(bool held)
    {
        Task hold = Task.CompletedTask;
        Change(() =>
        {
            _inFlight++;
            _maxInFlight = Math.Max(_maxInFlight, _inFlight);
            if (_hold is not null)
            {
                if (_inFlight >= _holdUntil)
                {
                    _hold.TrySetResult();
                }

                if (held)
                {
                    hold = _hold.Task;
                }
            }
        });
        return hold;
    }

    private int Count(string key)
    {
        ConcurrentQueue<long> times = _attempts.GetOrAdd(key, _ => new ConcurrentQueue<long>());
        int count = 0;
        Change(() =>
        {
            times.Enqueue(Stopwatch.GetTimestamp());
            count = times.Count;
        });
        return count;
    }

    // Every change under the one lock, then the waiters whose condition now holds are woken (outside it).
    private void Change(Action change)
    {
        List<TaskCompletionSource> woken = [];
        lock (_gate)
        {
            change();
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Condition())
                {
                    woken.Add(_waiters[i].Done);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (TaskCompletionSource done in woken)
        {
            done.TrySetResult();
        }
    }
}
