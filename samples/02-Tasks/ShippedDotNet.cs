using System.Threading.Channels;
using Microsoft.Extensions.Hosting;

namespace AsyncNotes.Samples.Tasks;

/// <summary>Part 5: fire and forget as a .NET service ships it (the README's third column). Nothing is forgotten: the
/// request path writes the work to a <see cref="Channel{T}"/> and returns, and one long-lived
/// <see cref="BackgroundService"/> owned by the host reads it, awaits each item and logs each failure.</summary>
internal static class ShippedDotNet
{
    public static async Task RunAsync(TextWriter output)
    {
        await output.WriteLineAsync();
        await output.WriteLineAsync("5. the .NET you would ship: a BackgroundService reading a Channel<T> (no loop)");

        // In an app: builder.Services.AddSingleton(Channel.CreateBounded<int>(100)); AddHostedService<MetricsSender>().
        // Here the host's part (start, stop) is done by hand.
        Channel<int> batches = Channel.CreateBounded<int>(100);
        using var sender = new MetricsSender(batches.Reader, output);
        await sender.StartAsync(CancellationToken.None);

        await output.WriteLineAsync("   the request path queues batches 1, 2 and 3 and returns at once");
        for (int batch = 1; batch <= 3; batch++)
        {
            await batches.Writer.WriteAsync(batch);
        }

        // Shutdown: no more writes; the service drains what is queued, then its ExecuteAsync ends.
        batches.Writer.Complete();
        await sender.ExecuteTask!;
        await sender.StopAsync(CancellationToken.None);
        await output.WriteLineAsync("   the host stopped the service after it drained the channel");
    }

    private sealed class MetricsSender(ChannelReader<int> batches, TextWriter output) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await foreach (int batch in batches.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await SendAsync(batch, stoppingToken);
                    await output.WriteLineAsync($"   sent batch {batch}");
                }
                catch (InvalidOperationException failure)
                {
                    // An ILogger in an app. One failure is one log line, and the service goes on with the next batch.
                    await output.WriteLineAsync($"   batch {batch} failed: {failure.Message} (logged; the service goes on)");
                }
            }
        }

        private static async Task SendAsync(int batch, CancellationToken cancellationToken)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), cancellationToken);
            if (batch == 2)
            {
                throw new InvalidOperationException("metrics endpoint refused the batch");
            }
        }
    }
}
