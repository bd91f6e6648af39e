using System.Net.Http.Json;
using AsyncNotes.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AsyncNotes.Samples.Production;

/// <summary>Part 3: LangChain's <c>ainvoke</c> is a POST, and a POST is not retried: sent twice, it may be done twice (two
/// charges, two e-mails). AsyncNotes.Http retries it only when it carries an <c>Idempotency-Key</c> header, a promise that
/// the server recognises the second copy. The model fails each question here once with a 503.</summary>
internal static class IdempotentPost
{
    public static void Run(PartLog log)
    {
        log.Part("3. POST /invoke: retried only with an Idempotency-Key");
        AsyncIO.Run(() => PartAsync(log));
    }

    private static async Task PartAsync(PartLog log)
    {
        const string Plain = "question 5";
        const string Keyed = "question 12";
        SlowModel model = await SlowModel.StartAsync([Plain, Keyed]);
        await using (model)
        {
            var services = new ServiceCollection();
            services.AddAsyncNotesHttpClient("model", client => client.BaseAddress = model.BaseAddress);
            await using ServiceProvider clients = services.BuildServiceProvider();
            HttpClient http = clients.GetRequiredService<IHttpClientFactory>().CreateClient("model");

            log.Write($"without the header: {await InvokeAsync(http, Plain, idempotencyKey: null)}");
            string key = Guid.NewGuid().ToString();
            log.Write($"with an Idempotency-Key: {await InvokeAsync(http, Keyed, key)}");
            log.Write($"the same call sent again, same key: {await InvokeAsync(http, Keyed, key)}");
        }

        IReadOnlyDictionary<string, IReadOnlyList<string>> calls = model.Calls();
        log.Write($"the model saw \"{Plain}\" {calls[Plain].Count} time(s): {string.Join(", then ", calls[Plain])}");
        log.Write($"the model saw \"{Keyed}\" {calls[Keyed].Count} time(s): {string.Join(", then ", calls[Keyed])}");
    }

    private static async Task<string> InvokeAsync(HttpClient http, string question, string? idempotencyKey, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("invoke", UriKind.Relative))
        {
            Content = JsonContent.Create(new Invocation(question), SampleJson.Default.Invocation),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey); // the model remembers the key: a copy of a call it has done gets the stored answer
        }

        using HttpResponseMessage response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return $"POST /invoke \"{question}\" -> {(int)response.StatusCode} {response.StatusCode}";
        }

        Answer answer = (await response.Content.ReadFromJsonAsync(SampleJson.Default.Answer, cancellationToken))!;
        return $"POST /invoke \"{question}\" -> {(int)response.StatusCode} {response.StatusCode} \"{answer.Text}\"";
    }
}
