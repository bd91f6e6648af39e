using Microsoft.Data.Sqlite;

namespace AsyncNotes.Samples.ContextManagers;

/// <summary>Whether anything in this process still holds a file: asked the way the file's own users would find out.</summary>
public static class Exclusive
{
    /// <summary>Whether a new connection can take SQLite's exclusive lock on the database at <paramref name="path"/>: false
    /// while any reader is open on it (SQLite's shared lock), after retrying for one second.</summary>
    public static async Task<bool> CanLockDatabaseAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var connection = new SqliteConnection(AsyncDb.ConnectionString(path, SqliteOpenMode.ReadWrite));
        await connection.OpenAsync(cancellationToken);
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "BEGIN EXCLUSIVE; COMMIT;";
        try
        {
            _ = await command.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SQLitePCL.raw.SQLITE_BUSY)
        {
            return false;
        }
    }

    /// <summary>Whether the file at <paramref name="path"/> can be opened with <see cref="FileShare.None"/>: false while
    /// another <see cref="FileStream"/> has it open.</summary>
    public static bool CanOpenFile(string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
