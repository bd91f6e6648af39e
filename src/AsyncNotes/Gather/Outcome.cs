namespace AsyncNotes;

/// <summary>Creates <see cref="Outcome{T}"/> values, as <see cref="Task.FromResult{TResult}(TResult)"/> creates tasks.</summary>
/// <remarks>
/// <para>asyncio has no outcome type; these build by hand what <c>asyncio.gather(..., return_exceptions=True)</c> puts in
/// its list, e.g. in a test or a fake. The Python line it replaces:</para>
/// <code>results = [42, ValueError("boom"), asyncio.CancelledError()]</code>
/// </remarks>
public static class Outcome
{
    /// <summary>A successful outcome.</summary>
    /// <typeparam name="T">The type of the child's value.</typeparam>
    /// <param name="value">The child's value.</param>
    /// <returns>The outcome.</returns>
    public static Outcome<T> FromResult<T>(T value) => new Outcome<T>(OutcomeStatus.Success, value, null);

    /// <summary>A failed outcome. Like <see cref="Task.FromException(Exception)"/>, an <see cref="OperationCanceledException"/>
    /// given here is a failure, not a cancellation; use <see cref="FromCanceled{T}(OperationCanceledException)"/> for that.</summary>
    /// <typeparam name="T">The type of the child's value.</typeparam>
    /// <param name="exception">The child's exception.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="exception"/> is <see langword="null"/>.</exception>
    public static Outcome<T> FromException<T>(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new Outcome<T>(OutcomeStatus.Faulted, default!, exception);
    }

    /// <summary>A cancelled outcome.</summary>
    /// <typeparam name="T">The type of the child's value.</typeparam>
    /// <param name="exception">The cancellation.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="exception"/> is <see langword="null"/>.</exception>
    public static Outcome<T> FromCanceled<T>(OperationCanceledException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new Outcome<T>(OutcomeStatus.Canceled, default!, exception);
    }
}
