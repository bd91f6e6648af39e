namespace AsyncNotes;

/// <summary>What an <c>AcquireAsync</c> returns: disposing it releases what was acquired, so that <c>using</c> does what
/// Python's <c>async with</c> does.</summary>
/// <remarks>
/// <para>Maps the exit half of asyncio's <c>async with lock:</c> / <c>async with sem:</c>. The Python lines it replaces:</para>
/// <code>
/// async with sem:
///     await fetch(url)
/// </code>
/// <para>In C#: <c>using (await sem.AcquireAsync(ct)) { await FetchAsync(url, ct); }</c>, or <c>await using</c>; both release
/// on every way out of the block, exceptions included.</para>
/// <list type="bullet">
///   <item>Dispose it once: it is a value, so a copy disposed a second time releases a second time (as calling
///   <c>release()</c> twice would). A <c>default</c> releaser releases nothing.</item>
///   <item>Releasing never waits: <see cref="DisposeAsync"/> completes synchronously.</item>
/// </list>
/// <para>Unlike the BCL, where <see cref="SemaphoreSlim.WaitAsync()"/> returns nothing and the release is a
/// <c>try</c>/<c>finally</c> by hand.</para>
/// </remarks>
public readonly struct AsyncReleaser : IDisposable, IAsyncDisposable, IEquatable<AsyncReleaser>
{
    private readonly object? _owner;

    internal AsyncReleaser(object owner) => _owner = owner;

    /// <summary>Whether two releasers release the same primitive.</summary>
    public static bool operator ==(AsyncReleaser left, AsyncReleaser right) => left.Equals(right);

    /// <summary>Whether two releasers release different primitives.</summary>
    public static bool operator !=(AsyncReleaser left, AsyncReleaser right) => !left.Equals(right);

    /// <summary>Releases what was acquired: the permit, or the lock.</summary>
    /// <exception cref="SemaphoreFullException">A bounded semaphore would go above its initial value.</exception>
    /// <exception cref="InvalidOperationException">The lock is not held (it was released already).</exception>
    public void Dispose()
    {
        switch (_owner)
        {
            case AsyncSemaphore semaphore:
                semaphore.Release();
                break;
            case AsyncLock asyncLock:
                asyncLock.Release();
                break;
            case SemaphoreSlim slim:
                slim.Release();
                break;
            default:
                break;
        }
    }

    /// <summary>Releases what was acquired; completes at once.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return default;
    }

    /// <inheritdoc/>
    public bool Equals(AsyncReleaser other) => ReferenceEquals(_owner, other._owner);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is AsyncReleaser other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _owner is null ? 0 : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(_owner);
}
