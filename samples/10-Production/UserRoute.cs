using AsyncNotes.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AsyncNotes.Samples.Production;

/// <summary>Part 1, the notes' FastAPI route: <c>GET /users/{user_id}</c>, async all the way, on an async database
/// session from dependency injection. Here a minimal API whose handler gets a <see cref="UsersDb"/> from the container
/// (<c>Depends(get_db)</c>) and awaits <c>FindAsync</c> with the request's token, on a real SQLite file.</summary>
internal static class UserRoute
{
    private static readonly string[] Names = ["Ada Lovelace", "Grace Hopper", "Barbara Liskov"];

    public static void Run(PartLog log)
    {
        log.Part("1. FastAPI's async route  ->  a minimal API, with a DbContext from DI (EF Core on SQLite)");
        DirectoryInfo folder = Directory.CreateTempSubdirectory("asyncnotes-10-");
        try
        {
            AsyncIO.Run(() => PartAsync(log, Path.Combine(folder.FullName, "users.db")));
        }
        finally
        {
            SqliteConnection.ClearAllPools(); // pooled connections keep the file open; a server would keep them
            folder.Delete(recursive: true);
        }
    }

    private static async Task PartAsync(PartLog log, string path)
    {
        string database = new SqliteConnectionStringBuilder { DataSource = path }.ToString();
        await using LocalServer server = await LocalServer.StartAsync(
            services =>
            {
                // get_db: a DbContext per request, disposed when the request ends.
                services.AddHttpContextAccessor();
                services.AddSingleton<RequestTokenCheck>();
                services.AddDbContext<UsersDb>((provider, db) => db
                    .UseSqlite(database)
                    .AddInterceptors(provider.GetRequiredService<RequestTokenCheck>()));
            },
            app => app.MapGet("/users/{id:int}", GetUserAsync));

        await SeedAsync(log, server.Services);

        // The client: one registration, clients from IHttpClientFactory (retries, timeouts; a 404 is not retried).
        var services = new ServiceCollection();
        services.AddAsyncNotesHttpClient("users", client => client.BaseAddress = server.BaseAddress);
        await using ServiceProvider clients = services.BuildServiceProvider();
        HttpClient http = clients.GetRequiredService<IHttpClientFactory>().CreateClient("users");

        int[] ids = [1, 2, 3, 42];
        string[] answers = await AsyncIO.GatherAsync(ids.Select(id => GetAsync(http, id)));
        foreach (string answer in answers)
        {
            log.Write(answer);
        }

        RequestTokenCheck check = server.Services.GetRequiredService<RequestTokenCheck>();
        log.Write($"queries that ran with the request's own token (HttpContext.RequestAborted): {check.WithRequestToken} of {check.Queries}");
    }

    // The route: async def get_user(user_id: int, db: AsyncSession = Depends(get_db)). The id comes from the path, the
    // DbContext from the container, the token is the request's (cancelled if the client goes away).
    private static async Task<Results<Ok<User>, NotFound>> GetUserAsync(int id, UsersDb db, CancellationToken cancellationToken) =>
        await db.Users.FindAsync([id], cancellationToken) is { } user ? TypedResults.Ok(user) : TypedResults.NotFound();

    private static async Task SeedAsync(PartLog log, IServiceProvider services)
    {
        await using AsyncServiceScope scope = services.CreateAsyncScope();
        UsersDb db = scope.ServiceProvider.GetRequiredService<UsersDb>();
        await db.Database.EnsureCreatedAsync();
        db.Users.AddRange(Names.Select(name => new User { Name = name }));
        int saved = await db.SaveChangesAsync();
        log.Write($"seeded {saved} users into users.db (EnsureCreatedAsync, SaveChangesAsync)");
    }

    private static async Task<string> GetAsync(HttpClient http, int id, CancellationToken cancellationToken = default)
    {
        using HttpResponseMessage response = await http.GetAsync(new Uri($"users/{id}", UriKind.Relative), cancellationToken);
        string body = await response.Content.ReadAsStringAsync(cancellationToken);
        return $"GET /users/{id} -> {(int)response.StatusCode} {response.StatusCode} {body}".TrimEnd();
    }
}
