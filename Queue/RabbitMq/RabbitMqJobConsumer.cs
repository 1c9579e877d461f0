using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Vsr.Queue.RabbitMq;

/// <summary>
/// Consumes the job queue and hands each message to the <see cref="ISubmitJobHandler"/>, up to
/// <see cref="RabbitMqOptions.Prefetch"/> at a time.
/// <list type="bullet">
/// <item>Acknowledged only after the handler returned; a consumer that dies first leaves the message to be redelivered.</item>
/// <item>A handler failure hands the message back (nack, requeue) after <see cref="RabbitMqOptions.RedeliveryDelay"/>, doubled
/// for each earlier delivery up to <see cref="RabbitMqOptions.MaxRedeliveryDelay"/>; on its
/// <see cref="RabbitMqOptions.MaxDeliveries"/>th delivery (counted by the quorum queue) it is published to the
/// dead-letter queue with the failure as its reason, the <see cref="IDeadLetterObserver"/>s are told, and it is acknowledged.</item>
/// <item>A message that cannot be read goes to the dead-letter queue at once, with what is wrong with it.</item>
/// <item>The client reconnects after a broker restart and resumes consuming; if the broker is down at start, or a channel
/// fails on its own, the consumer tries again every <see cref="RabbitMqOptions.ReconnectInterval"/>.</item>
/// </list>
/// </summary>
public sealed class RabbitMqJobConsumer(
    IOptions<RabbitMqOptions> options,
    ISubmitJobHandler handler,
    IEnumerable<IDeadLetterObserver> observers,
    ILogger<RabbitMqJobConsumer> logger)
    : BackgroundService
{
    private readonly RabbitMqOptions settings = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var broker = new BrokerConnection(settings, "vsr-job-consumer");
        try
        {
            while (true)
            {
                try
                {
                    await ConsumeUntilChannelFailsAsync(broker, stoppingToken);
                }
                catch (Exception failure) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning(failure, "Cannot consume queue '{Queue}' on {Broker}; trying again in {Delay}",
                        settings.QueueName, broker.Address, settings.ReconnectInterval);
                    await Task.Delay(settings.ReconnectInterval, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the channel is closed and the broker requeues whatever was not acknowledged.
        }
    }

    private async Task ConsumeUntilChannelFailsAsync(BrokerConnection broker, CancellationToken stoppingToken)
    {
        var connection = await broker.GetAsync(stoppingToken);
        var prefetch = (ushort)settings.Prefetch;
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(false, false, consumerDispatchConcurrency: prefetch), stoppingToken);
        await using var deadLetters = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), stoppingToken);
        await RabbitMqTopology.DeclareAsync(channel, settings, stoppingToken);
        await channel.BasicQosAsync(0, prefetch, global: false, stoppingToken);

        // A channel lost with its connection is recovered by the client; one closed by a channel error, on a
        // connection that is still open, is not, and this session ends so that a new one starts.
        var channelFailed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        channel.ChannelShutdownAsync += OnShutdown;
        deadLetters.ChannelShutdownAsync += OnShutdown;

        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) => DeliverAsync(channel, deadLetters, delivery, stoppingToken);
        // The broker cancels a consumer whose queue is deleted (an operator re-creating it with other settings, a
        // topology tool) and leaves the channel open: nothing would be consumed again. This session never cancels it.
        consumer.UnregisteredAsync += (_, _) =>
        {
            // Raised on a lost channel too, which the client recovers (or OnShutdown handles): only a cancel on a channel
            // and connection that are still open is the broker's.
            if (!stoppingToken.IsCancellationRequested && channel.IsOpen && connection.IsOpen)
            {
                logger.LogWarning("The broker cancelled the consumer of queue '{Queue}' (was it deleted?); consuming again", settings.QueueName);
                channelFailed.TrySetResult();
            }

            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(settings.QueueName, autoAck: false, consumer, stoppingToken);
        logger.LogInformation("Consuming queue '{Queue}' on {Broker} (prefetch {Prefetch})", settings.QueueName, broker.Address, prefetch);
        await channelFailed.Task.WaitAsync(stoppingToken);
        throw new InvalidOperationException($"A channel or consumer on {broker.Address} was closed by the broker while the connection stayed open.");

        Task OnShutdown(object sender, ShutdownEventArgs reason)
        {
            if (connection.IsOpen && reason.Initiator != ShutdownInitiator.Application)
            {
                logger.LogWarning("Channel closed: {Code} {Text}", reason.ReplyCode, reason.ReplyText);
                channelFailed.TrySetResult();
            }

            return Task.CompletedTask;
        }
    }

    private async Task DeliverAsync(IChannel channel, IChannel deadLetters, BasicDeliverEventArgs delivery, CancellationToken stoppingToken)
    {
        var attempt = (int)Math.Min(int.MaxValue, EarlierDeliveries(delivery.BasicProperties) + 1);
        try
        {
            SubmitJob message;
            try
            {
                message = SubmitJobCodec.Decode(delivery.Body.Span);
            }
            catch (MalformedMessageException malformed)
            {
                logger.LogError("Message {Message} on '{Queue}' is malformed and is dead-lettered: {Reason}",
                    delivery.BasicProperties.MessageId, settings.QueueName, malformed.Message);
                if (await TryDeadLetterAsync(channel, deadLetters, delivery, $"Malformed message: {malformed.Message}", attempts: 0, stoppingToken))
                {
                    await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
                }

                return;
            }

            try
            {
                await handler.HandleAsync(message, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                await channel.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true);
                return;
            }
            catch (Exception failure)
            {
                if (attempt >= settings.MaxDeliveries)
                {
                    var reason = DeliveryFailure.Describe(failure);
                    if (!await TryDeadLetterAsync(channel, deadLetters, delivery, reason, attempt, stoppingToken))
                    {
                        return;
                    }

                    logger.LogError(failure, "Job {Job} dead-lettered after {Attempts} deliveries: {Reason}", message.JobId, attempt, reason);
                    await DeadLetterObservers.NotifyAsync(observers, new DeadLetter(message.JobId.ToString(), reason, attempt, message, DateTimeOffset.UtcNow), logger);
                    await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
                    return;
                }

                var wait = settings.RedeliveryWait(attempt);
                logger.LogWarning(failure, "Job {Job} failed delivery {Attempt} of {Max}; handing it back in {Wait}", message.JobId, attempt, settings.MaxDeliveries, wait);
                await Task.Delay(wait, stoppingToken);
                await channel.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true);
                return;
            }

            // Acknowledged only now, after the handler returned. The ack deliberately ignores stoppingToken: work that is
            // done is acknowledged even while stopping.
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
        }
        catch (Exception failure)
        {
            // The channel or connection went away (or we are stopping): the broker redelivers what was not acknowledged.
            logger.LogWarning(failure, "Could not settle message {Message}; the broker will deliver it again", delivery.BasicProperties.MessageId);
        }
    }

    /// <summary>
    /// Publishes the message to the dead-letter queue, confirmed; false when that failed. The message is then handed back
    /// (after the longest redelivery wait) rather than left unacknowledged on a channel that stays open, where it would
    /// hold a prefetch slot until the broker's consumer timeout. The broker's own delivery limit is the backstop.
    /// </summary>
    private async Task<bool> TryDeadLetterAsync(
        IChannel channel, IChannel deadLetters, BasicDeliverEventArgs delivery, string reason, int attempts, CancellationToken stoppingToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            // A broker in a memory or disk alarm blocks publishers; the consumer must not wait on it for ever.
            timeout.CancelAfter(settings.PublishTimeout);
            await DeadLetterAsync(deadLetters, delivery, reason, attempts, timeout.Token);
            return true;
        }
        catch (Exception failure) when (!stoppingToken.IsCancellationRequested)
        {
            var wait = settings.RedeliveryWait(settings.MaxDeliveries);
            logger.LogError(failure, "Message {Message} could not be dead-lettered to '{DeadLetters}'; handing it back in {Wait}",
                delivery.BasicProperties.MessageId, settings.DeadLetterQueueName, wait);
            await Task.Delay(wait, stoppingToken);
            await channel.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true);
            return false;
        }
    }

    private async Task DeadLetterAsync(IChannel deadLetters, BasicDeliverEventArgs delivery, string reason, int attempts, CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, object?>();
        if (delivery.BasicProperties.Headers is { } original)
        {
            foreach (var (key, value) in original)
            {
                headers[key] = value;
            }
        }

        headers[DeadLetterHeaders.Reason] = reason;
        headers[DeadLetterHeaders.Attempts] = attempts;
        headers[DeadLetterHeaders.SourceQueue] = settings.QueueName;
        headers[DeadLetterHeaders.DeadLetteredAt] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var properties = new BasicProperties
        {
            MessageId = delivery.BasicProperties.MessageId,
            ContentType = delivery.BasicProperties.ContentType,
            Type = delivery.BasicProperties.Type,
            Timestamp = delivery.BasicProperties.Timestamp,
            Persistent = true,
            Headers = headers,
        };

        // Confirmed before the original is acknowledged, so a message is never in neither queue.
        try
        {
            await deadLetters.BasicPublishAsync("", settings.DeadLetterQueueName, mandatory: true, properties, delivery.Body, cancellationToken);
        }
        catch (PublishException returned) when (returned.IsReturn)
        {
            // No such queue: deleted since this session declared it. Declared again, it takes the message.
            logger.LogWarning("Dead-letter queue '{DeadLetters}' is missing; declaring it again", settings.DeadLetterQueueName);
            await RabbitMqTopology.DeclareDeadLetterQueueAsync(deadLetters, settings, cancellationToken);
            await deadLetters.BasicPublishAsync("", settings.DeadLetterQueueName, mandatory: true, properties, delivery.Body, cancellationToken);
        }
    }

    private static long EarlierDeliveries(IReadOnlyBasicProperties properties) =>
        properties.Headers?.TryGetValue(RabbitMqTopology.DeliveryCountHeader, out var count) == true ? count switch
        {
            long l => l,
            int i => i,
            byte[] text when long.TryParse(Encoding.ASCII.GetString(text), out var parsed) => parsed,
            _ => 0,
        } : 0;
}
