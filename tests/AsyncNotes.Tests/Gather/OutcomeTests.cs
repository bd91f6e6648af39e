namespace AsyncNotes.Tests.Gather;

public sealed class OutcomeTests
{
    [Fact]
    public void Outcome_Success_HasItsValueAndNoException()
    {
        Outcome<int> outcome = Outcome.FromResult(42);

        outcome.Status.Should().Be(OutcomeStatus.Success);
        outcome.IsSuccess.Should().BeTrue();
        outcome.IsFaulted.Should().BeFalse();
        outcome.IsCanceled.Should().BeFalse();
        outcome.Value.Should().Be(42);
        outcome.Exception.Should().BeNull();
        outcome.GetValueOrDefault().Should().Be(42);
        outcome.ToString().Should().Be("Success(42)");
    }

    [Fact]
    public void Outcome_FailureValue_ThrowsInvalidOperationExceptionWithTheFailureInside()
    {
        var failure = new InvalidOperationException("boom");
        Outcome<int> outcome = Outcome.FromException<int>(failure);

        Func<int> value = () => outcome.Value;

        value.Should().Throw<InvalidOperationException>().Which.InnerException.Should().BeSameAs(failure);
        outcome.IsFaulted.Should().BeTrue();
        outcome.Exception.Should().BeSameAs(failure);
        outcome.GetValueOrDefault().Should().Be(0);
        outcome.GetValueOrDefault(-1).Should().Be(-1);
        outcome.ToString().Should().Be("Faulted(InvalidOperationException: boom)");
    }

    [Fact]
    public void Outcome_Cancellation_IsCanceledWithTheOperationCanceledException()
    {
        var cancelled = new OperationCanceledException("stop");
        Outcome<string> outcome = Outcome.FromCanceled<string>(cancelled);

        outcome.IsCanceled.Should().BeTrue();
        outcome.IsFaulted.Should().BeFalse();
        outcome.Exception.Should().BeSameAs(cancelled);
        outcome.GetValueOrDefault().Should().BeNull();
        outcome.ToString().Should().Be("Canceled(OperationCanceledException: stop)");
    }

    // Like Task.FromException, an OperationCanceledException given as a failure stays a failure.
    [Fact]
    public void Outcome_FromExceptionWithAnOperationCanceledException_IsAFailure()
    {
        Outcome.FromException<int>(new OperationCanceledException()).IsFaulted.Should().BeTrue();
    }

    [Fact]
    public void Outcome_NullException_ThrowsArgumentNullException()
    {
        Action failure = () => Outcome.FromException<int>(null!);
        Action cancelled = () => Outcome.FromCanceled<int>(null!);

        failure.Should().Throw<ArgumentNullException>().WithParameterName("exception");
        cancelled.Should().Throw<ArgumentNullException>().WithParameterName("exception");
    }
}
