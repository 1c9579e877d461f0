using RabbitMQ.Client;

namespace Vsr.Queue.RabbitMq;

/// <summary>
/// Declares the two durable quorum queues. The main queue dead-letters through the default exchange to the
/// dead-letter queue once a message was returned more than <see cref="RabbitMqOptions.MaxDeliveries"/> times: a
/// backstop for consumers that die mid-message. A live consumer dead-letters earlier, itself, so that the message
/// carries the handler's reason (the broker would only say <c>delivery_limit</c>).
/// </summary>
internal static class RabbitMqTopology
{
    /// <summary>The quorum queue's count of earlier deliveries, set on each redelivery (RabbitMQ 3.8+).</summary>
    public const string DeliveryCountHeader = "x-delivery-count";

    public static async Task DeclareAsync(IChannel channel, RabbitMqOptions options, CancellationToken cancellationToken)
    {
        await DeclareDeadLetterQueueAsync(channel, options, cancellationToken);
        await channel.QueueDeclareAsync(options.QueueName, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?>
            {
                ["x-queue-type"] = "quorum",
                ["x-delivery-limit"] = options.MaxDeliveries,
                ["x-dead-letter-exchange"] = "",
                ["x-dead-letter-routing-key"] = options.DeadLetterQueueName,
            },
            cancellationToken: cancellationToken);
    }

    /// <summary>Declares the dead-letter queue alone (again, when it was deleted while a consumer ran).</summary>
    public static Task DeclareDeadLetterQueueAsync(IChannel channel, RabbitMqOptions options, CancellationToken cancellationToken) =>
        channel.QueueDeclareAsync(options.DeadLetterQueueName, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" }, cancellationToken: cancellationToken);
}
