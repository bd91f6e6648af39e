using System.Globalization;

namespace AsyncNotes;

/// <summary>How one child of a gather ended: its value, its exception, or its cancellation.</summary>
/// <remarks>
/// <para>Maps one element of the list that <c>asyncio.gather(..., return_exceptions=True)</c> returns, where a failed child
/// contributes its exception object and a cancelled child a <c>CancelledError</c>. The Python line it replaces:</para>
/// <code>results = await asyncio.gather(*coros, return_exceptions=True)</code>
/// <para>Differs from a Python result list, where a value that happens to be an exception cannot be told from a failure:
/// the status is explicit, and success, failure and cancellation are three different states.</para>
/// <para>A sealed class rather than a struct, so that there is no <see langword="default"/> value in an undefined state.
/// It is immutable.</para>
/// <para>Rules:</para>
/// <list type="bullet">
///   <item><see cref="Value"/> of an outcome that is not a success throws <see cref="InvalidOperationException"/> whose
///   inner exception is the child's exception.</item>
///   <item><see cref="Exception"/> is the exception the child's <c>await</c> threw: for a failure the very exception
///   object, for a cancellation the <see cref="OperationCanceledException"/>; <see langword="null"/> for a success.</item>
/// </list>
/// </remarks>
/// <typeparam name="T">The type of the child's value.</typeparam>
public sealed class Outcome<T>
{
    private readonly T _value;

    internal Outcome(OutcomeStatus status, T value, Exception? exception)
    {
        Status = status;
        _value = value;
        Exception = exception;
    }

    /// <summary>Gets how the child ended.</summary>
    public OutcomeStatus Status { get; }

    /// <summary>Gets whether the child returned a value.</summary>
    public bool IsSuccess => Status == OutcomeStatus.Success;

    /// <summary>Gets whether the child failed with an exception other than a cancellation.</summary>
    public bool IsFaulted => Status == OutcomeStatus.Faulted;

    /// <summary>Gets whether the child was cancelled.</summary>
    public bool IsCanceled => Status == OutcomeStatus.Canceled;

    /// <summary>Gets the child's value.</summary>
    /// <exception cref="InvalidOperationException">The child did not succeed; the inner exception is the child's.</exception>
    public T Value => IsSuccess
        ? _value
        : throw new InvalidOperationException($"The outcome is {Status}, not {OutcomeStatus.Success}; it has no value.", Exception);

    /// <summary>Gets the child's exception: the failure, or the <see cref="OperationCanceledException"/> of a cancellation;
    /// <see langword="null"/> for a success.</summary>
    public Exception? Exception { get; }

    /// <summary>Gets the value of a success, else <see langword="default"/>.</summary>
    /// <returns>The value or <see langword="default"/>.</returns>
    public T? GetValueOrDefault() => IsSuccess ? _value : default;

    /// <summary>Gets the value of a success, else <paramref name="defaultValue"/>.</summary>
    /// <param name="defaultValue">What to return when the child did not succeed.</param>
    /// <returns>The value or <paramref name="defaultValue"/>.</returns>
    public T GetValueOrDefault(T defaultValue) => IsSuccess ? _value : defaultValue;

    /// <summary>Shows the status and the value or the exception, e.g. <c>Success(42)</c>, <c>Faulted(InvalidOperationException: boom)</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Status switch
    {
        OutcomeStatus.Success => string.Create(CultureInfo.InvariantCulture, $"Success({_value})"),
        _ => $"{Status}({Exception!.GetType().Name}: {Exception.Message})",
    };
}
