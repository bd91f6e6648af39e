using AsyncNotes;
using Microsoft.Data.Sqlite;

namespace AsyncNotes.Samples.ContextManagers;

/// <summary>Section 5 of the notes, "Async Context Managers &amp; Iterators": <c>async with</c> is <c>await using</c>,
/// <c>async for</c> is <c>await foreach</c>, on a real SQLite database file and a real file.</summary>
public static class ContextManagersSample
{
    private static readonly (string Name, int Age)[] Users =
        [("Ada", 36), ("Grace", 45), ("Linus", 28), ("Guido", 31), ("Barbara", 22), ("Ken", 50)];

    /// <summary>Runs every part of the sample in a temp folder of its own, deleted afterwards, writing to <paramref name="output"/>.</summary>
    public static void Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var log = new PartLog(output);
        DirectoryInfo folder = Directory.CreateTempSubdirectory("asyncnotes-05-");
        try
        {
            // Real files, so the real clock: nothing here prints a time.
            AsyncIO.Run(() => RunPartsAsync(log, folder.FullName));
            AsyncIO.Run(() => ConfigureAwaitTrapAsync(log));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static async Task RunPartsAsync(PartLog log, string folder)
    {
        string users = Path.Combine(folder, "users.db");
        await AsyncWithAsync(log, users);
        await ExitStackAsync(log, folder);
        await StreamRowsAsync(log, users);
        await StreamFileAsync(log, folder);
        await UsingInsteadOfAwaitUsingAsync(log, folder);
        await IteratorWithoutFinallyAsync(log, users);
    }

    // 1. async with AsyncDB() as conn: __aenter__ is OpenAsync, __aexit__ is DisposeAsync.
    private static async Task AsyncWithAsync(PartLog log, string path)
    {
        log.Part("1. async with AsyncDB() as conn  ->  await using (AsyncDb db = await AsyncDb.OpenAsync(path))");
        await using (AsyncDb db = await AsyncDb.OpenAsync(path, log.Write))
        {
            _ = await db.ExecuteAsync("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INTEGER NOT NULL)");
            foreach ((string name, int age) in Users)
            {
                _ = await db.ExecuteAsync($"INSERT INTO users (name, age) VALUES ('{name}', {age})");
            }

            log.Write($"inserted {Users.Length} users");
        }

        log.Write("after the block");

        try
        {
            await using AsyncDb db = await AsyncDb.OpenAsync(path, log.Write);
            log.Write($"{await db.ScalarAsync("SELECT count(*) FROM users")} users; now the body throws");
            throw new InvalidOperationException("the body failed");
        }
        catch (InvalidOperationException e)
        {
            log.Write($"caught after the connection closed: {e.Message}");
        }
    }

    // 2. contextlib.AsyncExitStack: as many connections as there are shards, closed last opened first; PopAll hands them on.
    private static async Task ExitStackAsync(PartLog log, string folder)
    {
        log.Part("2. AsyncExitStack: a number of connections known only at run time");
        string[] shards = [.. Enumerable.Range(0, 3).Select(i => Path.Combine(folder, $"shard-{i}.db"))];
        await using (var stack = new AsyncExitStack())
        {
            foreach (string shard in shards)
            {
                AsyncDb db = await stack.EnterAsyncContextAsync(ct => AsyncDb.OpenAsync(shard, log.Write, cancellationToken: ct));
                _ = await db.ExecuteAsync("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INTEGER NOT NULL)");
            }

            stack.PushCallback(() => log.Write("callback pushed last, run first"));
            log.Write($"{stack.Count} cleanups on the stack; leaving the block");
        }

        log.Write("PopAll: open every shard or none, and hand the open ones to the caller");
        AsyncExitStack opened = await OpenEveryShardAsync(log, shards);
        log.Write($"the caller owns {opened.Count} open connections");
        await opened.DisposeAsync();

        log.Write("the same with a shard that does not exist:");
        try
        {
            await using AsyncExitStack never = await OpenEveryShardAsync(log, [shards[0], shards[1], Path.Combine(folder, "shard-9.db")]);
        }
        catch (SqliteException e)
        {
            log.Write($"caught: {e.Message}");
        }
    }

    private static async Task<AsyncExitStack> OpenEveryShardAsync(PartLog log, IEnumerable<string> shards)
    {
        await using var stack = new AsyncExitStack();
        foreach (string shard in shards)
        {
            _ = await stack.EnterAsyncContextAsync(ct => AsyncDb.OpenAsync(shard, log.Write, SqliteOpenMode.ReadWrite, ct));
        }

        return stack.PopAll(); // every open succeeded: the connections outlive this method
    }

    // 3. async for row in cursor: an IAsyncEnumerable<User> with yield return, cancelled mid-stream, and LINQ over it.
    private static async Task StreamRowsAsync(PartLog log, string path)
    {
        log.Part("3. async for: await foreach over IAsyncEnumerable<User>, streamed from the database");
        await using AsyncDb db = await AsyncDb.OpenAsync(path, log.Write);
        await foreach (User user in db.StreamUsersAsync())
        {
            log.Write($"row {user.Id}: {user.Name}, {user.Age}");
        }

        log.Write("cancelled after row 2, through WithCancellation(token):");
        using var cancellation = new CancellationTokenSource();
        try
        {
            await foreach (User user in db.StreamUsersAsync().WithCancellation(cancellation.Token))
            {
                log.Write($"row {user.Id}: {user.Name}");
                if (user.Id == 2)
                {
                    await cancellation.CancelAsync();
                }
            }
        }
        catch (OperationCanceledException)
        {
            log.Write("OperationCanceledException");
        }

        log.Write($"the database can be locked exclusively: {await Exclusive.CanLockDatabaseAsync(path)}");

        log.Write("LINQ: .Where(u => u.Age >= 30).Select(u => u.Name).Take(2).ToArrayAsync()");
        string[] names = await db.StreamUsersAsync().Where(u => u.Age >= 30).Select(u => u.Name).Take(2).ToArrayAsync();
        log.Write($"[{string.Join(", ", names)}]: Take(2) stopped the stream after the second match");
    }

    // 4. A real file in chunks: the end of the file ends await foreach (StopAsyncIteration); a break closes the file at once.
    private static async Task StreamFileAsync(PartLog log, string folder)
    {
        log.Part("4. AsyncStream: a file read in chunks as IAsyncEnumerable<ReadOnlyMemory<byte>>");
        string path = Path.Combine(folder, "notes.bin");
        await File.WriteAllBytesAsync(path, new byte[10_000]);

        long total = 0;
        await foreach (ReadOnlyMemory<byte> chunk in AsyncStream.ReadChunksAsync(path, chunkSize: 4096, log.Write))
        {
            log.Write($"chunk of {chunk.Length} bytes");
            total += chunk.Length;
        }

        log.Write($"end of file after {total} bytes: the loop ended, as StopAsyncIteration ends async for");

        await foreach (ReadOnlyMemory<byte> chunk in AsyncStream.ReadChunksAsync(path, chunkSize: 4096, log.Write))
        {
            log.Write($"chunk of {chunk.Length} bytes; the file can be opened exclusively: {Exclusive.CanOpenFile(path)}; break");
            break;
        }

        log.Write($"after the break, the file can be opened exclusively: {Exclusive.CanOpenFile(path)}");
    }

    // Trap 1: `using` on a type that has both Dispose and DisposeAsync compiles, and blocks the loop's thread.
    private static async Task UsingInsteadOfAwaitUsingAsync(PartLog log, string folder)
    {
        log.Part("5. Trap: using where await using was meant");
        string path = Path.Combine(folder, "audit.log");
        log.Write("using (var audit = new AuditFile(path)): compiles, and AN0001 reports it at build time (suppressed here)");
#pragma warning disable AN0001 // the trap itself, on purpose: AsyncNotes' analyzer AN0001 flags this `using`
        using (var audit = new AuditFile(path, log.Write))
        {
            await audit.WriteLineAsync("using");
        }
#pragma warning restore AN0001

        log.Write("await using (var audit = new AuditFile(path)):");
        await using (var audit = new AuditFile(path, log.Write))
        {
            await audit.WriteLineAsync("await using");
        }
    }

    // Trap 2: an iterator that closes its reader after the loop, not in a finally.
    private static async Task IteratorWithoutFinallyAsync(PartLog log, string path)
    {
        log.Part("6. Trap: an iterator without finally, left early");
        await using (AsyncDb db = await AsyncDb.OpenAsync(path, log.Write))
        {
            await foreach (User user in db.StreamUsersWithoutFinallyAsync())
            {
                log.Write($"row {user.Id}: {user.Name}; break");
                break;
            }

            log.Write($"the database can be locked exclusively: {await Exclusive.CanLockDatabaseAsync(path)} (the reader is still open)");
        }

        log.Write($"after the connection closed: {await Exclusive.CanLockDatabaseAsync(path)}");
    }

    // Trap 3: ConfigureAwait(false) on await using (or await foreach) in code that runs on the loop.
    private static async Task ConfigureAwaitTrapAsync(PartLog log)
    {
        log.Part("7. Trap: ConfigureAwait(false) on await using, in code that runs on the loop");
        log.Write($"before: on the loop: {EventLoop.Current is not null}");

        // A cleanup that awaits, as a connection saying goodbye to its server does.
        IAsyncDisposable connection = AsyncDisposable.Create(async () => await AsyncIO.SleepAsync(TimeSpan.FromMilliseconds(1)));
        await using (connection.ConfigureAwait(false))
        {
            log.Write($"inside: on the loop: {EventLoop.Current is not null}");
        }

        log.Write($"after: on the loop: {EventLoop.Current is not null} (the rest of this method runs on the thread pool)");
    }
}
