namespace AsyncNotes.Http.Tests;

/// <summary>The argument checks of the fetch methods, before any request.</summary>
public sealed class FetchAllArgumentTests
{
    private static readonly Uri[] Uris = [new("http://127.0.0.1:1/ok/1")];

    // One shared client: the checks throw before it sends anything.
    private static readonly HttpClient Http = new();

    private static Task<string> ReadAsync(HttpResponseMessage response, CancellationToken ct) => response.Content.ReadAsStringAsync(ct);

    [Fact]
    public async Task FetchAllAsync_BadArguments_Throw()
    {
        HttpClient http = Http;
        CancellationToken ct = TestContext.Current.CancellationToken;

        await FluentActions.Awaiting(() => ((HttpClient)null!).FetchAllAsync(Uris, ReadAsync, 1, cancellationToken: ct)).Should().ThrowAsync<ArgumentNullException>();
        await FluentActions.Awaiting(() => http.FetchAllAsync(null!, ReadAsync, 1, cancellationToken: ct)).Should().ThrowAsync<ArgumentNullException>();
        await FluentActions.Awaiting(() => http.FetchAllAsync<string>(Uris, null!, 1, cancellationToken: ct)).Should().ThrowAsync<ArgumentNullException>();
        await FluentActions.Awaiting(() => http.FetchAllAsync([null!], ReadAsync, 1, cancellationToken: ct)).Should().ThrowAsync<ArgumentNullException>();
        await FluentActions.Awaiting(() => http.FetchAllAsync(Uris, ReadAsync, 0, cancellationToken: ct)).Should().ThrowAsync<ArgumentOutOfRangeException>();
        await FluentActions.Awaiting(() => http.FetchAllAsync(Uris, ReadAsync, 1, returnExceptions: false, cancellationToken: ct)).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => http.FetchAllAsync(Uris, ReadAsync, 0, returnExceptions: true, cancellationToken: ct)).Should().ThrowAsync<ArgumentOutOfRangeException>();
    }

    [Fact]
    public async Task GetAllStringsAndJson_BadArguments_Throw()
    {
        HttpClient http = Http;
        CancellationToken ct = TestContext.Current.CancellationToken;

        await FluentActions.Awaiting(() => ((HttpClient)null!).GetAllStringsAsync(Uris, 1, cancellationToken: ct)).Should().ThrowAsync<ArgumentNullException>();
        await FluentActions.Awaiting(() => http.GetAllStringsAsync(null!, 1, cancellationToken: ct)).Should().ThrowAsync<ArgumentNullException>();
        await FluentActions.Awaiting(() => http.GetAllStringsAsync(Uris, 0, cancellationToken: ct)).Should().ThrowAsync<ArgumentOutOfRangeException>();
        await FluentActions.Awaiting(() => http.GetAllFromJsonAsync<User>(Uris, null!, 1, cancellationToken: ct)).Should().ThrowAsync<ArgumentNullException>();
        await FluentActions.Awaiting(() => http.GetAllFromJsonAsync(Uris, TestJson.Default.User, -1, cancellationToken: ct)).Should().ThrowAsync<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void BadArguments_ThrowAtTheCall_NotFromTheReturnedTask()
    {
        HttpClient http = Http;

        Action nullUris = () => _ = http.FetchAllAsync(null!, ReadAsync, 1, cancellationToken: TestContext.Current.CancellationToken);
        Action noLimit = () => _ = http.GetAllStringsAsync(Uris, 0, cancellationToken: TestContext.Current.CancellationToken);

        nullUris.Should().Throw<ArgumentNullException>();
        noLimit.Should().Throw<ArgumentOutOfRangeException>();
    }
}
