using System.Net;

namespace AsyncNotes.Http.Tests;

/// <summary>Transient failures of a GET are retried; the last answer is returned when the retries run out; a 4xx other
/// than 408 and 429 is not retried.</summary>
public sealed class RetryTests : ServerTest
{
    [Fact]
    public async Task Get_FailsTwiceWith503_SucceedsOnTheThirdAttempt()
    {
        await using var client = TestClient.Create(Server);

        using HttpResponseMessage response = await client.Http.GetAsync(Rel("flaky/a?failures=2&status=503"), Ct);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Server.Attempts("flaky/a").Should().Be(3);
    }

    [Fact]
    public async Task Get_MoreFailuresThanRetries_ReturnsTheLast503()
    {
        await using var client = TestClient.Create(Server, o => o.MaxRetryAttempts = 1);

        using HttpResponseMessage response = await client.Http.GetAsync(Rel("flaky/b?failures=3&status=503"), Ct);

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        Server.Attempts("flaky/b").Should().Be(2);
    }

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    public async Task Get_TransientStatus_IsRetried(int status)
    {
        await using var client = TestClient.Create(Server, o => o.MaxRetryAttempts = 2);

        using HttpResponseMessage response = await client.Http.GetAsync(Rel($"status/{status}"), Ct);

        ((int)response.StatusCode).Should().Be(status);
        Server.Attempts($"status/{status}").Should().Be(3);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(404)]
    public async Task Get_ClientError_IsNotRetried(int status)
    {
        await using var client = TestClient.Create(Server, o => o.MaxRetryAttempts = 3);

        using HttpResponseMessage response = await client.Http.GetAsync(Rel($"status/{status}"), Ct);

        ((int)response.StatusCode).Should().Be(status);
        Server.Attempts($"status/{status}").Should().Be(1);
    }

    [Fact]
    public async Task Get_ConnectionDropped_IsRetried()
    {
        await using var client = TestClient.Create(Server, o => o.MaxRetryAttempts = 3);

        using HttpResponseMessage response = await client.Http.GetAsync(Rel("drop/c?times=2"), Ct);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Server.Attempts("drop/c").Should().Be(3);
    }

    [Fact]
    public async Task Get_ConnectionDroppedEveryTime_ThrowsHttpRequestExceptionAfterTheLastAttempt()
    {
        await using var client = TestClient.Create(Server, o => o.MaxRetryAttempts = 2);

        Func<Task> get = () => client.Http.GetAsync(Rel("drop/d?times=100"), Ct);

        await get.Should().ThrowAsync<HttpRequestException>();
        Server.Attempts("drop/d").Should().Be(3);
    }

    [Theory]
    [InlineData(501)]
    [InlineData(505)]
    public async Task Get_AServerErrorNoRetryChanges_IsNotRetried(int status)
    {
        await using var client = TestClient.Create(Server, o => o.MaxRetryAttempts = 2);

        using HttpResponseMessage response = await client.Http.GetAsync(Rel($"status/{status}"), Ct);

        ((int)response.StatusCode).Should().Be(status);
        Server.Attempts($"status/{status}").Should().Be(1, "501 and 505 say what no retry will change");
    }
}
