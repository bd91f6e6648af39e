using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AsyncNotes.Samples.Production;

/// <summary>A stand-in for the model behind LangChain's <c>chain.ainvoke</c>: it answers each question after
/// <see cref="Latency"/>, in real time, through <c>GET /answer?q=</c> and <c>POST /invoke</c>. It fails on purpose, the
/// same way on every run: the questions in <c>failOnce</c> get a 503 the first time they are asked, the question
/// <c>stallOnce</c> gets no answer at all the first time (until the client gives up). The server keeps what it saw: each
/// call's outcome per question, and the most calls it was handling at once. A <c>POST</c> with an <c>Idempotency-Key</c>
/// it has already answered gets the stored answer again, without a second run: what makes such a POST safe to retry.</summary>
internal sealed class SlowModel : IAsyncDisposable
{
    public static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(100);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<string?>> _calls = [];
    private readonly Dictionary<string, Answer> _answered = [];
    private readonly HashSet<string> _failOnce;
    private readonly string? _stallOnce;
    private LocalServer? _server;
    private int _inFlight;
    private int _maxInFlight;

    private SlowModel(IEnumerable<string> failOnce, string? stallOnce)
    {
        _failOnce = [.. failOnce];
        _stallOnce = stallOnce;
    }

    /// <summary>Where the model listens.</summary>
    public Uri BaseAddress => _server!.BaseAddress;

    /// <summary>The most calls the server was handling at once.</summary>
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

    /// <summary>Starts the model on 127.0.0.1.</summary>
    public static async Task<SlowModel> StartAsync(IEnumerable<string> failOnce, string? stallOnce = null, CancellationToken cancellationToken = default)
    {
        var model = new SlowModel(failOnce, stallOnce);
        model._server = await LocalServer.StartAsync(
            _ => { },
            app =>
            {
                app.MapGet("/answer", (string q, CancellationToken ct) => model.AnswerAsync(q, ct));
                app.MapPost("/invoke", (Invocation invocation, HttpRequest request, CancellationToken ct) =>
                    model.AnswerAsync(invocation.Question, ct, request.Headers["Idempotency-Key"].FirstOrDefault()));
            },
            cancellationToken);
        return model;
    }

    /// <summary>Each call's outcome, per question, in the order the calls arrived: <c>200</c>, <c>503</c>, or
    /// <c>abandoned</c> (the client went away before the answer). Complete once the model is disposed (which waits for
    /// the calls in flight).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Calls()
    {
        lock (_gate)
        {
            return _calls.ToDictionary(call => call.Key, call => (IReadOnlyList<string>)[.. call.Value.Select(outcome => outcome ?? "in flight")]);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private async Task<IResult> AnswerAsync(string question, CancellationToken cancellationToken, string? idempotencyKey = null)
    {
        int attempt = Arrive(question);
        string outcome = "abandoned";
        try
        {
            if (idempotencyKey is not null && Answered(idempotencyKey) is { } stored)
            {
                outcome = "200 (the stored answer: a copy of a call already done)";
                return TypedResults.Ok(stored);
            }

            if (attempt == 0 && question == _stallOnce)
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken); // no answer: the client's attempt timeout ends it
            }

            await Task.Delay(Latency, cancellationToken); // the model thinking, in real time
            if (attempt == 0 && _failOnce.Contains(question))
            {
                outcome = "503";
                return TypedResults.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }

            var answer = new Answer(question, $"answer to {question}");
            if (idempotencyKey is not null)
            {
                Remember(idempotencyKey, answer);
            }

            outcome = "200";
            return TypedResults.Ok(answer);
        }
        finally
        {
            Leave(question, attempt, outcome);
        }
    }

    // Counts the call in (the count drops before the answer is written, so a client that has its answer is never still
    // counted) and reserves its place in the question's list, in order of arrival.
    private int Arrive(string question)
    {
        lock (_gate)
        {
            _inFlight++;
            _maxInFlight = Math.Max(_maxInFlight, _inFlight);
            if (!_calls.TryGetValue(question, out List<string?>? calls))
            {
                _calls[question] = calls = [];
            }

            calls.Add(null);
            return calls.Count - 1;
        }
    }

    private Answer? Answered(string idempotencyKey)
    {
        lock (_gate)
        {
            return _answered.GetValueOrDefault(idempotencyKey);
        }
    }

    private void Remember(string idempotencyKey, Answer answer)
    {
        lock (_gate)
        {
            _answered[idempotencyKey] = answer;
        }
    }

    private void Leave(string question, int attempt, string outcome)
    {
        lock (_gate)
        {
            _inFlight--;
            _calls[question][attempt] = outcome;
        }
    }
}
