using Microsoft.Extensions.DependencyInjection;

namespace AsyncNotes.Http.Tests;

/// <summary>An option out of its range throws <see cref="ArgumentOutOfRangeException"/> at registration, not at the
/// first request.</summary>
public sealed class OptionsValidationTests
{
    public static TheoryData<string, Action<AsyncNotesHttpOptions>> OutOfRange => new()
    {
        { nameof(AsyncNotesHttpOptions.MaxRetryAttempts), o => o.MaxRetryAttempts = -1 },
        { nameof(AsyncNotesHttpOptions.RetryBaseDelay), o => o.RetryBaseDelay = TimeSpan.FromMilliseconds(-1) },
        { nameof(AsyncNotesHttpOptions.AttemptTimeout), o => o.AttemptTimeout = TimeSpan.Zero },
        { nameof(AsyncNotesHttpOptions.TotalTimeout), o => o.TotalTimeout = TimeSpan.FromSeconds(1) }, // below the 10 s attempt timeout
        { nameof(AsyncNotesHttpOptions.CircuitBreakerFailureRatio), o => o.CircuitBreakerFailureRatio = 0 },
        { nameof(AsyncNotesHttpOptions.CircuitBreakerFailureRatio), o => o.CircuitBreakerFailureRatio = 1.5 },
        { nameof(AsyncNotesHttpOptions.CircuitBreakerMinimumThroughput), o => o.CircuitBreakerMinimumThroughput = 1 },
        { nameof(AsyncNotesHttpOptions.CircuitBreakerSamplingDuration), o => o.CircuitBreakerSamplingDuration = TimeSpan.FromMilliseconds(100) },
        { nameof(AsyncNotesHttpOptions.CircuitBreakerBreakDuration), o => o.CircuitBreakerBreakDuration = TimeSpan.FromMilliseconds(100) },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void AddAsyncNotesResilience_OptionOutOfRange_ThrowsAtRegistration(string option, Action<AsyncNotesHttpOptions> configure)
    {
        var services = new ServiceCollection();

        Action register = () => services.AddHttpClient("api").AddAsyncNotesResilience(configure);

        register.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(option);
    }

    [Fact]
    public void AddAsyncNotesHttpClient_OptionOutOfRange_ThrowsAtRegistration()
    {
        var services = new ServiceCollection();

        Action register = () => services.AddAsyncNotesHttpClient("api", configureOptions: o => o.MaxRetryAttempts = -1);

        register.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void AddAsyncNotesHttpClient_NullArguments_Throw()
    {
        var services = new ServiceCollection();

        FluentActions.Invoking(() => ((IServiceCollection)null!).AddAsyncNotesHttpClient("api")).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => services.AddAsyncNotesHttpClient(null!)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => ((IHttpClientBuilder)null!).AddAsyncNotesResilience()).Should().Throw<ArgumentNullException>();
    }

    [Theory]
    [InlineData(0, "MaxRetryAttempts = 0 (documented: turns retries off)")]
    public void AddAsyncNotesResilience_DocumentedValidValue_BuildsAClient(int maxRetryAttempts, string because)
    {
        // A value the options accept must give a working client: Polly validates its own options when the pipeline is
        // built (the first CreateClient), too late for "at registration".
        var services = new ServiceCollection();
        services.AddHttpClient("api").AddAsyncNotesResilience(o => o.MaxRetryAttempts = maxRetryAttempts);
        using ServiceProvider provider = services.BuildServiceProvider();

        Action create = () => provider.GetRequiredService<IHttpClientFactory>().CreateClient("api").Dispose();

        create.Should().NotThrow(because);
    }

    [Theory]
    [InlineData(nameof(AsyncNotesHttpOptions.AttemptTimeout))]
    [InlineData(nameof(AsyncNotesHttpOptions.RetryBaseDelay))]
    public void AddAsyncNotesResilience_ValuePollyRefuses_ThrowsAtRegistration(string option)
    {
        // Polly refuses a timeout under 10 ms and a retry delay over a day; the docs promise such a value fails here.
        var services = new ServiceCollection();
        Action<AsyncNotesHttpOptions> configure = option == nameof(AsyncNotesHttpOptions.AttemptTimeout)
            ? o => o.AttemptTimeout = TimeSpan.FromMilliseconds(1)
            : o => o.RetryBaseDelay = TimeSpan.FromDays(2);

        Action register = () => services.AddHttpClient("api").AddAsyncNotesResilience(configure);

        register.Should().Throw<ArgumentOutOfRangeException>();
    }
}
