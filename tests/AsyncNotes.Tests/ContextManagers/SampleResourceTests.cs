using AsyncNotes.Samples.ContextManagers;
using Microsoft.Data.Sqlite;

namespace AsyncNotes.Tests.ContextManagers;

// Sample 05's claims, checked against a real SQLite file and a real temp file: no mocks. Whether something still holds a
// file is asked of SQLite (an exclusive lock from a new connection) and of the operating system (this process's open file
// descriptors, on Linux; FileShare.None for a plain file).
public sealed class SampleResourceTests : IDisposable
{
    private const int Rows = 100;
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("asyncnotes-tests-05-");
    private readonly List<string> _log = [];

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task Rows_AreStreamedInOrder_OneReadAtATime_AndTheReaderClosesAtTheEnd()
    {
        string path = await CreateDatabaseAsync();
        await using AsyncDb db = await AsyncDb.OpenAsync(path, _log.Add, cancellationToken: TestContext.Current.CancellationToken);
        var ids = new List<long>();
        bool lockedWhileStreaming = true;

        await foreach (User user in db.StreamUsersAsync(TestContext.Current.CancellationToken))
        {
            ids.Add(user.Id);
            if (ids.Count == 1)
            {
                lockedWhileStreaming = !await Exclusive.CanLockDatabaseAsync(path, TestContext.Current.CancellationToken);
            }
        }

        // Checked with the connection still open (the await using above ends with the test).

        ids.Should().Equal(Enumerable.Range(1, Rows).Select(i => (long)i));
        lockedWhileStreaming.Should().BeTrue("the reader is open while rows are still coming: they are streamed, not buffered");
        (await Exclusive.CanLockDatabaseAsync(path, TestContext.Current.CancellationToken)).Should().BeTrue();
        _log.Should().Equal("open users.db", "reader opened", "reader closed");
    }

    [Fact]
    public async Task CancelledMidStream_ClosesTheReader_WhileTheConnectionStaysOpen_AndThenTheConnection()
    {
        string path = await CreateDatabaseAsync();
        using var cancellation = new CancellationTokenSource();
        var seen = new List<long>();
        bool lockableWithTheConnectionOpen = false;

        await FluentActions.Awaiting(async () =>
        {
            await using AsyncDb db = await AsyncDb.OpenAsync(path, _log.Add, cancellationToken: TestContext.Current.CancellationToken);
            try
            {
                await foreach (User user in db.StreamUsersAsync().WithCancellation(cancellation.Token))
                {
                    seen.Add(user.Id);
                    if (user.Id == 3)
                    {
                        await cancellation.CancelAsync();
                    }
                }
            }
            finally
            {
                // The connection is still open here: only the iterator's own cleanup can have released the reader's lock.
                lockableWithTheConnectionOpen = await Exclusive.CanLockDatabaseAsync(path, TestContext.Current.CancellationToken);
            }
        }).Should().ThrowAsync<OperationCanceledException>();

        seen.Should().Equal(1, 2, 3);
        lockableWithTheConnectionOpen.Should().BeTrue("the cancelled iterator closed its reader before the exception left the loop");
        _log.Should().Equal("open users.db", "reader opened", "reader closed", "closed users.db");
        OpenDescriptors(path).Should().Be(0, "then the connection closed the file");
    }

    [Fact]
    public async Task TheBodyThrows_TheConnectionClosesBeforeTheCatchRuns()
    {
        string path = await CreateDatabaseAsync();
        int descriptorsInCatch = -1;

        try
        {
            await using AsyncDb db = await AsyncDb.OpenAsync(path, _log.Add, cancellationToken: TestContext.Current.CancellationToken);
            OpenDescriptors(path).Should().BeGreaterThan(0, "the open connection holds the file");
            throw new InvalidOperationException("body");
        }
        catch (InvalidOperationException)
        {
            descriptorsInCatch = OpenDescriptors(path);
        }

        descriptorsInCatch.Should().Be(0);
        _log.Should().Equal("open users.db", "closed users.db");
    }

    // The trap of part 6, which also shows that the SQLite check can say "still held". A full collection is forced before
    // the check: the reader's statement stays open because the connection's reusable command still reaches it, not because
    // the collector has not run yet.
    [Fact]
    public async Task AnIteratorWithoutFinally_LeftEarly_LeavesItsReaderOpen_UntilTheConnectionCloses()
    {
        string path = await CreateDatabaseAsync();
        await using (AsyncDb db = await AsyncDb.OpenAsync(path, _log.Add, cancellationToken: TestContext.Current.CancellationToken))
        {
            await foreach (User user in db.StreamUsersWithoutFinallyAsync(TestContext.Current.CancellationToken))
            {
                break;
            }

            GC.Collect();
            GC.WaitForPendingFinalizers();
            (await Exclusive.CanLockDatabaseAsync(path, TestContext.Current.CancellationToken)).Should().BeFalse("the abandoned reader still holds SQLite's shared lock");
        }

        (await Exclusive.CanLockDatabaseAsync(path, TestContext.Current.CancellationToken)).Should().BeTrue();
    }

    [Fact]
    public async Task ExitStack_OpeningShards_OneMissing_ClosesTheOpenOnesInReverse_AndLeavesNoFileOpen()
    {
        string[] shards = [await CreateDatabaseAsync("a.db"), await CreateDatabaseAsync("b.db"), Path.Combine(_folder.FullName, "missing.db")];

        async Task<AsyncExitStack> OpenAllAsync()
        {
            await using var stack = new AsyncExitStack();
            foreach (string shard in shards)
            {
                _ = await stack.EnterAsyncContextAsync(ct => AsyncDb.OpenAsync(shard, _log.Add, SqliteOpenMode.ReadWrite, ct), TestContext.Current.CancellationToken);
            }

            return stack.PopAll();
        }

        await FluentActions.Awaiting(OpenAllAsync).Should().ThrowAsync<SqliteException>();

        _log.Should().Equal("open a.db", "open b.db", "closed b.db", "closed a.db");
        OpenDescriptors(shards[0]).Should().Be(0);
        OpenDescriptors(shards[1]).Should().Be(0);
        File.Exists(shards[2]).Should().BeFalse("ReadWrite mode does not create the file");
    }

    [Fact]
    public async Task FileChunks_AreTheFile_InOrder_AndEndAtItsEnd()
    {
        byte[] content = new byte[10_000];
        new Random(5).NextBytes(content);
        string path = Path.Combine(_folder.FullName, "data.bin");
        await File.WriteAllBytesAsync(path, content, TestContext.Current.CancellationToken);
        var read = new List<byte>();
        var sizes = new List<int>();

        await foreach (ReadOnlyMemory<byte> chunk in AsyncStream.ReadChunksAsync(path, 4096, _log.Add, TestContext.Current.CancellationToken))
        {
            sizes.Add(chunk.Length);
            read.AddRange(chunk.ToArray());
        }

        sizes.Should().Equal(4096, 4096, 1808);
        read.Should().Equal(content);
        _log.Should().Equal("file opened: data.bin", "file closed");
    }

    [Fact]
    public async Task AnEarlyBreak_ClosesTheFileAtOnce()
    {
        string path = Path.Combine(_folder.FullName, "data.bin");
        await File.WriteAllBytesAsync(path, new byte[10_000], TestContext.Current.CancellationToken);
        bool openableInside = true;
        int descriptorsInside = 0;

        await foreach (ReadOnlyMemory<byte> chunk in AsyncStream.ReadChunksAsync(path, 4096, _log.Add, TestContext.Current.CancellationToken))
        {
            openableInside = Exclusive.CanOpenFile(path);
            descriptorsInside = OpenDescriptors(path);
            break;
        }

        openableInside.Should().BeFalse("the iterator holds the file while the loop runs");
        descriptorsInside.Should().Be(1);
        Exclusive.CanOpenFile(path).Should().BeTrue();
        OpenDescriptors(path).Should().Be(0);
        _log.Should().Equal("file opened: data.bin", "file closed");
    }

    [Fact]
    public async Task BadChunkSize_IsRefusedWhenTheEnumerationStarts()
    {
        IAsyncEnumerable<ReadOnlyMemory<byte>> chunks = AsyncStream.ReadChunksAsync("unused", 0, _log.Add, TestContext.Current.CancellationToken);

        await FluentActions.Awaiting(async () => await chunks.GetAsyncEnumerator(TestContext.Current.CancellationToken).MoveNextAsync())
            .Should().ThrowAsync<ArgumentOutOfRangeException>();
    }

    private async Task<string> CreateDatabaseAsync(string name = "users.db")
    {
        string path = Path.Combine(_folder.FullName, name);
        await using (var connection = new SqliteConnection(AsyncDb.ConnectionString(path)))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INTEGER NOT NULL);"
                + string.Concat(Enumerable.Range(1, Rows).Select(i => $"INSERT INTO users (name, age) VALUES ('user {i}', {20 + (i % 50)});"));
            _ = await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        return path;
    }

    // How many of this process's file descriptors point at the file: the operating system's answer to "is it still open?".
    private static int OpenDescriptors(string path)
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "open file descriptors are read from /proc/self/fd");
        string full = Path.GetFullPath(path);
        int count = 0;
        foreach (string fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget == full)
                {
                    count++;
                }
            }
            catch (IOException)
            {
                // the descriptor closed while we looked: not the file's
            }
        }

        return count;
    }
}
