// Compiled only with -p:WithMistakes=true: a client, and a connection pool, per call (AN0006).
namespace Consumer.Mistakes;

internal static class HttpClientPerCall
{
    public static async Task<string> FetchAsync(Uri url)
    {
        using var client = new HttpClient(); // AN0006
        return await client.GetStringAsync(url);
    }
}
