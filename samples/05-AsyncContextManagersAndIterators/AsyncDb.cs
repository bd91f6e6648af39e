using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace AsyncNotes.Samples.ContextManagers;

/// <summary>The notes' <c>AsyncDB</c>: a connection to a SQLite file, opened with <see cref="OpenAsync"/> (the
/// <c>__aenter__</c>) and closed by <see cref="DisposeAsync"/> (the <c>__aexit__</c>), so <c>await using</c> is
/// <c>async with</c>.</summary>
public sealed class AsyncDb : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Action<string> _log;
    private SqliteCommand? _usersQuery;

    private AsyncDb(SqliteConnection connection, string name, Action<string> log)
    {
        _connection = connection;
        Name = name;
        _log = log;
    }

    /// <summary>The database file's name, for the log.</summary>
    public string Name { get; }

    /// <summary>The connection string of a database file. Pooling is off so that closing the connection closes the file
    /// (a pooled connection stays open for the next user: what a server wants, not what a sample that shows closing does).
    /// A busy database is retried for one second, then reported.</summary>
    public static string ConnectionString(string path, SqliteOpenMode mode = SqliteOpenMode.ReadWriteCreate) =>
        new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false, DefaultTimeout = 1 }.ToString();

    /// <summary>Opens the database file at <paramref name="path"/>: Python's <c>__aenter__</c>.</summary>
    /// <param name="path">The database file.</param>
    /// <param name="log">Told when the connection opens and closes.</param>
    /// <param name="mode">Whether a missing file is created.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>The open database; dispose it with <c>await using</c>.</returns>
    public static async Task<AsyncDb> OpenAsync(
        string path, Action<string> log, SqliteOpenMode mode = SqliteOpenMode.ReadWriteCreate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        var connection = new SqliteConnection(ConnectionString(path, mode));
        try
        {
            await connection.OpenAsync(cancellationToken);
        }
        catch
        {
            await connection.DisposeAsync(); // nothing half-open is left behind
            throw;
        }

        string name = Path.GetFileName(path);
        log($"open {name}");
        return new AsyncDb(connection, name, log);
    }

    /// <summary>Runs a statement that returns no rows.</summary>
    public async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken = default)
    {
        await using SqliteCommand command = _connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Runs a statement that returns one number.</summary>
    public async Task<long> ScalarAsync(string sql, CancellationToken cancellationToken = default)
    {
        await using SqliteCommand command = _connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Streams the users, one row at a time, in id order: the notes' <c>async for</c> over an async generator.</summary>
    /// <param name="cancellationToken">Filled in by <c>WithCancellation</c> too, through <see cref="EnumeratorCancellationAttribute"/>.</param>
    /// <remarks>The reader is closed in a <c>finally</c>, so it is closed however the enumeration ends: at the last row, on
    /// cancellation, on an exception, or when the caller breaks out of <c>await foreach</c> (which disposes the enumerator,
    /// and that runs the <c>finally</c>).</remarks>
    public async IAsyncEnumerable<User> StreamUsersAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using SqliteCommand command = _connection.CreateCommand();
        command.CommandText = "SELECT id, name, age FROM users ORDER BY id";
        SqliteDataReader reader = await command.ExecuteReaderAsync(cancellationToken);
        _log("reader opened");
        try
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                yield return new User(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2));
            }
        }
        finally
        {
            await reader.DisposeAsync();
            _log("reader closed");
        }
    }

    /// <summary>The trap: the same stream without <c>using</c> or <c>finally</c>. The reader is closed only after the last
    /// row; an enumeration that is cancelled or left early leaves it open, holding the database's lock.</summary>
    /// <remarks>It runs the query through a command kept for reuse (a prepared statement, as a hot query would), so the
    /// statement the open reader holds stays reachable: the lock is then held until the connection closes. With a command
    /// of its own, the lock would last until the garbage collector finalised the statement, at a moment nobody chose.</remarks>
    public async IAsyncEnumerable<User> StreamUsersWithoutFinallyAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (_usersQuery is null)
        {
            _usersQuery = _connection.CreateCommand();
            _usersQuery.CommandText = "SELECT id, name, age FROM users ORDER BY id";
        }

        SqliteDataReader reader = await _usersQuery.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new User(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2));
        }

        await reader.DisposeAsync();
    }

    /// <summary>Closes the connection, and with it the file: Python's <c>__aexit__</c>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_usersQuery is not null)
        {
            await _usersQuery.DisposeAsync();
        }

        await _connection.DisposeAsync();
        _log($"closed {Name}");
    }
}
