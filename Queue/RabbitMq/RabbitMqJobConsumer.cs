using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Vsr.Queue.RabbitMq;

/// <summary>
/// Consumes the job queue and hands each message to the <see cref="ISubmitJobHandler"/>, up to
/// <see cref="RabbitMqOptions.Prefetch"/> at a time.
/// <list type="bullet">
/// <item>Acknowledged only after the handler returned; a consumer that dies first leaves the message to be redelivered.</item>
/// <item>A handler failure hands the message back (nack, requeue) after <see cref="RabbitMqOptions.RedeliveryDelay"/>; on its
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
        await channel.BasicConsumeAsync(settings.QueueName, autoAck: false, consumer, stoppingToken);
        logger.LogInformation("Consuming queue '{Queue}' on {Broker} (prefetch {Prefetch})", settings.QueueName, broker.Address, prefetch);
        await channelFailed.Task.WaitAsync(stoppingToken);
        throw new InvalidOperationException($"A channel on {broker.Address} was closed by the broker while the connection stayed open.");

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
                await DeadLetterAsync(deadLetters, delivery, $"Malformed message: {malformed.Message}", attempts: 0);
                await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
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
                    logger.LogError(failure, "Job {Job} dead-lettered after {Attempts} deliveries: {Reason}", message.JobId, attempt, reason);
                    await DeadLetterAsync(deadLetters, delivery, reason, attempt);
                    await DeadLetterObservers.NotifyAsync(observers, new DeadLetter(message.JobId.ToString(), reason, attempt, message, DateTimeOffset.UtcNow), logger);
                    await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
                    return;
                }

                logger.LogWarning(failure, "Job {Job} failed delivery {Attempt} of {Max}; handing it back", message.JobId, attempt, settings.MaxDeliveries);
                await Task.Delay(settings.RedeliveryDelay, stoppingToken);
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

    private async Task DeadLetterAsync(IChannel deadLetters, BasicDeliverEventArgs delivery, string reason, int attempts)
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
        await deadLetters.BasicPublishAsync("", settings.DeadLetterQueueName, mandatory: true, properties, delivery.Body);
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
