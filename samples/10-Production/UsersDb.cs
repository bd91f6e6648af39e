using System.Data.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace AsyncNotes.Samples.Production;

/// <summary>A row of the <c>Users</c> table: the notes' <c>User</c> model.</summary>
internal sealed class User
{
    /// <summary>The primary key.</summary>
    public int Id { get; set; }

    /// <summary>The user's name.</summary>
    public required string Name { get; set; }
}

/// <summary>The database session: SQLAlchemy's <c>AsyncSession</c>. Registered with <c>AddDbContext</c>, so each request
/// gets its own, disposed when the request ends: what <c>Depends(get_db)</c> and its <c>async with</c> do.</summary>
/// <param name="options">The provider and its connection string, from the container.</param>
internal sealed class UsersDb(DbContextOptions<UsersDb> options) : DbContext(options)
{
    /// <summary>The users.</summary>
    public DbSet<User> Users => Set<User>();
}

/// <summary>Sees every query EF Core sends during a request, and checks the token it was given: the request's own
/// <see cref="HttpContext.RequestAborted"/> (so a client that goes away cancels the query), or another.</summary>
/// <param name="http">The request being handled, if any.</param>
internal sealed class RequestTokenCheck(IHttpContextAccessor http) : DbCommandInterceptor
{
    private int _queries;
    private int _withRequestToken;

    /// <summary>Queries run while a request was being handled.</summary>
    public int Queries => Volatile.Read(ref _queries);

    /// <summary>Of those, the ones whose token was the request's <see cref="HttpContext.RequestAborted"/>.</summary>
    public int WithRequestToken => Volatile.Read(ref _withRequestToken);

    /// <inheritdoc/>
    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (http.HttpContext is { } request)
        {
            Interlocked.Increment(ref _queries);
            if (cancellationToken == request.RequestAborted)
            {
                Interlocked.Increment(ref _withRequestToken);
            }
        }

        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }
}
