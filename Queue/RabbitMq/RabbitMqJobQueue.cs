using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Vsr.Queue.RabbitMq;

/// <summary>
/// Publishes <see cref="SubmitJob"/> messages as persistent messages on the durable quorum queue and waits for the
/// broker's confirm. While the broker is unreachable a publish is retried with exponential backoff, up to
/// <see cref="RabbitMqOptions.PublishRetryLimit"/> retries, then fails with <see cref="JobQueueUnavailableException"/>.
/// </summary>
public sealed class RabbitMqJobQueue : IJobQueue, IAsyncDisposable
{
    private readonly RabbitMqOptions options;
    private readonly ILogger<RabbitMqJobQueue> logger;
    private readonly BrokerConnection broker;
    private readonly ResiliencePipeline publishPipeline;
    private readonly QueueDepthGauge gauge;
    private readonly SemaphoreSlim publishGate = new(1, 1);
    private IChannel? publishChannel;

    public RabbitMqJobQueue(IOptions<RabbitMqOptions> options, ILogger<RabbitMqJobQueue> logger)
    {
        this.options = options.Value;
        this.logger = logger;
        broker = new BrokerConnection(this.options, "vsr-job-publisher");
        gauge = new QueueDepthGauge(this.options.QueueName);
        publishPipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = this.options.PublishRetryLimit,
                Delay = this.options.PublishRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                MaxDelay = TimeSpan.FromSeconds(30),
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome.Exception, args.Context.CancellationToken)),
                OnRetry = args =>
                {
                    logger.LogWarning(args.Outcome.Exception, "Publishing to {Broker} failed (attempt {Attempt}); retrying in {Delay}",
                        broker.Address, args.AttemptNumber + 1, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(this.options.PublishTimeout)
            .Build();
    }

    public async Task PublishAsync(SubmitJob message, CancellationToken cancellationToken)
    {
        var body = SubmitJobCodec.Encode(message);
        var properties = new BasicProperties
        {
            MessageId = message.JobId.ToString(),
            ContentType = SubmitJobCodec.ContentType,
            Type = nameof(SubmitJob),
            Persistent = true,
            Timestamp = new AmqpTimestamp(message.SubmittedAt.ToUnixTimeSeconds()),
        };

        var outcome = new PublishOutcome();
        try
        {
            await publishPipeline.ExecuteAsync(
                async token => await PublishOnceAsync(properties, body, outcome, token), cancellationToken);
        }
        catch (Exception failure) when (IsTransient(failure, cancellationToken))
        {
            throw new JobQueueUnavailableException(
                $"Job {message.JobId} could not be published to queue '{options.QueueName}' on {broker.Address}: " +
                $"{options.PublishRetryLimit + 1} attempts failed, the last with {failure.GetType().Name}: {failure.Message}", failure)
            {
                MayHaveBeenQueued = outcome.Unknown,
            };
        }
    }

    /// <summary>The ready messages of the main queue, by a passive declare; 0 while the queue does not exist yet.</summary>
    public async Task<long> GetDepthAsync(CancellationToken cancellationToken)
    {
        var connection = await broker.GetAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        long waiting;
        try
        {
            waiting = (await channel.QueueDeclarePassiveAsync(options.QueueName, cancellationToken)).MessageCount;
        }
        catch (OperationInterruptedException notFound) when (notFound.ShutdownReason?.ReplyCode == Constants.NotFound)
        {
            waiting = 0;
        }

        gauge.Record(waiting);
        return waiting;
    }

    public async ValueTask DisposeAsync()
    {
        if (publishChannel is { } channel)
        {
            await channel.DisposeAsync();
        }

        await broker.DisposeAsync();
        gauge.Dispose();
        publishGate.Dispose();
    }

    /// <summary>Whether an attempt handed the message to the broker and then learnt nothing of it (no confirm, no nack, no return).</summary>
    private sealed class PublishOutcome
    {
        public bool Unknown { get; set; }
    }

    private async Task PublishOnceAsync(BasicProperties properties, byte[] body, PublishOutcome outcome, CancellationToken cancellationToken)
    {
        // One channel, one publish at a time: job submissions are few, and a confirm then belongs to one message.
        await publishGate.WaitAsync(cancellationToken);
        try
        {
            var channel = await GetPublishChannelAsync(cancellationToken);
            try
            {
                // mandatory: an unroutable message (no queue) is returned and fails the publish, rather than being dropped.
                await channel.BasicPublishAsync("", options.QueueName, mandatory: true, properties, body, cancellationToken);
            }
            catch (Exception failure)
            {
                // A nack or a return is the broker's answer: not queued. A timeout or a lost connection while waiting
                // for the confirm is none: the broker may have queued it all the same.
                outcome.Unknown |= failure is not PublishException;
                // The next attempt starts from a fresh channel (and declares the queues again).
                publishChannel = null;
                await DisposeQuietlyAsync(channel);
                throw;
            }
        }
        finally
        {
            publishGate.Release();
        }
    }

    private async Task<IChannel> GetPublishChannelAsync(CancellationToken cancellationToken)
    {
        if (publishChannel is { IsOpen: true } open)
        {
            return open;
        }

        if (publishChannel is { } closed)
        {
            publishChannel = null;
            await DisposeQuietlyAsync(closed);
        }

        var connection = await broker.GetAsync(cancellationToken);
        var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        try
        {
            await RabbitMqTopology.DeclareAsync(channel, options, cancellationToken);
        }
        catch
        {
            await DisposeQuietlyAsync(channel);
            throw;
        }

        publishChannel = channel;
        return channel;
    }

    private async Task DisposeQuietlyAsync(IChannel channel)
    {
        try
        {
            await channel.DisposeAsync();
        }
        catch (Exception failure)
        {
            logger.LogDebug(failure, "Closing a failed publish channel failed too");
        }
    }

    // Everything but the caller's own cancellation is worth another try: the broker may be restarting, recovering
    // the connection, electing the quorum queue's leader or slow to confirm.
    private static bool IsTransient(Exception? failure, CancellationToken callerToken) => failure switch
    {
        null => false,
        OperationCanceledException when callerToken.IsCancellationRequested => false,
        ArgumentException => false,
        _ => true,
    };
}
