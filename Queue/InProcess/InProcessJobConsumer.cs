using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Vsr.Queue.InProcess;

/// <summary>
/// Hands each message of the <see cref="InProcessJobQueue"/> to the <see cref="ISubmitJobHandler"/>, a few at a time.
/// A failed message is retried in place after <see cref="InProcessQueueOptions.RetryDelay"/> (doubled per failure), and dead-lettered with
/// the handler's last error after <see cref="InProcessQueueOptions.MaxDeliveries"/> calls, and the
/// <see cref="IDeadLetterObserver"/>s are told.
/// </summary>
public sealed class InProcessJobConsumer(
    InProcessJobQueue queue,
    ISubmitJobHandler handler,
    IEnumerable<IDeadLetterObserver> observers,
    IOptions<InProcessQueueOptions> options,
    ILogger<InProcessJobConsumer> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, options.Value.Concurrency).Select(_ => ConsumeAsync(stoppingToken)));

    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var message in queue.Reader.ReadAllAsync(stoppingToken))
            {
                await DeliverAsync(message, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is still queued lives only in this process and goes with it.
        }
    }

    private async Task DeliverAsync(SubmitJob message, CancellationToken stoppingToken)
    {
        var maxDeliveries = options.Value.MaxDeliveries;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await handler.HandleAsync(message, stoppingToken);
                return;
            }
            catch (Exception failure) when (failure is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                if (attempt >= maxDeliveries)
                {
                    var reason = DeliveryFailure.Describe(failure);
                    logger.LogError(failure, "Job {Job} dead-lettered after {Attempts} deliveries: {Reason}", message.JobId, attempt, reason);
                    var letter = new DeadLetter(message.JobId.ToString(), reason, attempt, message, DateTimeOffset.UtcNow);
                    queue.DeadLetter(letter);
                    await DeadLetterObservers.NotifyAsync(observers, letter, logger);
                    return;
                }

                var wait = Backoff.Doubling(options.Value.RetryDelay, attempt, options.Value.MaxRetryDelay);
                logger.LogWarning(failure, "Job {Job} failed delivery {Attempt} of {Max}; retrying in {Wait}", message.JobId, attempt, maxDeliveries, wait);
                await Task.Delay(wait, stoppingToken);
            }
        }
    }
}
