using System.Net;

namespace AsyncNotes.Http.Tests;

/// <summary>A POST is sent again only when the server can deduplicate it: with an <c>Idempotency-Key</c> header.</summary>
public sealed class IdempotencyTests : ServerTest
{
    [Fact]
    public async Task Post_WithoutIdempotencyKey_IsNotRetried()
    {
        await using var client = TestClient.Create(Server, o => o.MaxRetryAttempts = 3);
        using var content = new StringContent("{}");

        using HttpResponseMessage response = await client.Http.PostAsync(Rel("orders"), content, Ct);

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        Server.Attempts("orders").Should().Be(1);
    }

    [Fact]
    public async Task Post_WithIdempotencyKey_IsRetried()
    {
        await using var client = TestClient.Create(Server, o => o.MaxRetryAttempts = 3);
        using var request = new HttpRequestMessage(HttpMethod.Post, Rel("orders")) { Content = new StringContent("{}") };
        request.Headers.Add("Idempotency-Key", "order-42");

        using HttpResponseMessage response = await client.Http.SendAsync(request, Ct);

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        Server.Attempts("orders").Should().Be(2);
    }

    [Fact]
    public async Task Put_IsRetried()
    {
        await using var client = TestClient.Create(Server, o => o.MaxRetryAttempts = 2);
        using var content = new StringContent("{}");

        using HttpResponseMessage response = await client.Http.PutAsync(Rel("status/503"), content, Ct);

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        Server.Attempts("status/503").Should().Be(3);
    }
}
