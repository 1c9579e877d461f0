using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using Vsr.Integration.Tests.Support;
using Vsr.Queue;
using Vsr.Queue.RabbitMq;

namespace Vsr.Integration.Tests.Queue;

/// <summary>
/// A pair of queues with fresh names on the test broker, the library's publisher and consumers on them, and a plain
/// client connection to look inside (depths, dead letters, raw bytes). Both queues are deleted on dispose.
/// </summary>
public sealed class RabbitMqScratch : IAsyncDisposable
{
    private readonly List<RabbitMqJobConsumer> consumers = [];
    private readonly List<RabbitMqJobQueue> queues = [];
    private IConnection? inspector;

    public RabbitMqScratch(int maxDeliveries = 3)
    {
        var name = $"vsr.test.{Guid.NewGuid():N}";
        Options = new RabbitMqOptions
        {
            Uri = TestServices.AmqpUri,
            QueueName = name,
            DeadLetterQueueName = $"{name}.dead",
            MaxDeliveries = maxDeliveries,
            Prefetch = 4,
            RedeliveryDelay = TimeSpan.FromMilliseconds(50),
            PublishRetryLimit = 20,
            PublishRetryDelay = TimeSpan.FromMilliseconds(200),
            ReconnectInterval = TimeSpan.FromSeconds(1),
        };
        var validation = new RabbitMqOptionsValidator().Validate(null, Options);
        Assert.True(validation.Succeeded, validation.FailureMessage);
    }

    public RabbitMqOptions Options { get; }

    public RabbitMqJobQueue NewQueue()
    {
        var queue = new RabbitMqJobQueue(Microsoft.Extensions.Options.Options.Create(Options), NullLogger<RabbitMqJobQueue>.Instance);
        queues.Add(queue);
        return queue;
    }

    public async Task<RabbitMqJobConsumer> StartConsumerAsync(ISubmitJobHandler handler)
    {
        var consumer = new RabbitMqJobConsumer(Microsoft.Extensions.Options.Options.Create(Options), handler, [], NullLogger<RabbitMqJobConsumer>.Instance);
        consumers.Add(consumer);
        await consumer.StartAsync(CancellationToken.None);
        return consumer;
    }

    public static async Task StopAsync(RabbitMqJobConsumer consumer)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await consumer.StopAsync(timeout.Token);
    }

    /// <summary>Ready messages in a queue, by a passive declare.</summary>
    public async Task<uint> CountAsync(string queue)
    {
        await using var channel = await (await InspectorAsync()).CreateChannelAsync();
        return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
    }

    /// <summary>A plain channel on the test broker, as a consumer outside this library would have.</summary>
    public async Task<IChannel> OpenChannelAsync() => await (await InspectorAsync()).CreateChannelAsync();

    /// <summary>Takes every message of the dead-letter queue.</summary>
    public async Task<List<(string? MessageId, string Reason, long Attempts, string Body)>> TakeDeadLettersAsync()
    {
        await using var channel = await (await InspectorAsync()).CreateChannelAsync();
        var letters = new List<(string?, string, long, string)>();
        while (await channel.BasicGetAsync(Options.DeadLetterQueueName, autoAck: true) is { } message)
        {
            var headers = message.BasicProperties.Headers ?? new Dictionary<string, object?>();
            letters.Add((message.BasicProperties.MessageId,
                Encoding.UTF8.GetString((byte[])headers[DeadLetterHeaders.Reason]!),
                Convert.ToInt64(headers[DeadLetterHeaders.Attempts]),
                Encoding.UTF8.GetString(message.Body.Span)));
        }

        return letters;
    }

    /// <summary>Publishes bytes the library would never write, as a broken or foreign producer might.</summary>
    public async Task PublishRawAsync(string body, string messageId)
    {
        await using var channel = await (await InspectorAsync()).CreateChannelAsync(new CreateChannelOptions(true, true));
        var properties = new BasicProperties { MessageId = messageId, Persistent = true };
        await channel.BasicPublishAsync("", Options.QueueName, mandatory: true, properties, Encoding.UTF8.GetBytes(body));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var consumer in consumers)
        {
            await StopAsync(consumer);
            consumer.Dispose();
        }

        foreach (var queue in queues)
        {
            await queue.DisposeAsync();
        }

        if (inspector is not null)
        {
            try
            {
                await using var channel = await inspector.CreateChannelAsync();
                await channel.QueueDeleteAsync(Options.QueueName, ifUnused: false, ifEmpty: false);
                await channel.QueueDeleteAsync(Options.DeadLetterQueueName, ifUnused: false, ifEmpty: false);
            }
            finally
            {
                await inspector.DisposeAsync();
            }
        }
    }

    private async Task<IConnection> InspectorAsync()
    {
        if (inspector is { IsOpen: true })
        {
            return inspector;
        }

        if (inspector is not null)
        {
            await inspector.DisposeAsync();
        }

        inspector = await new ConnectionFactory { Uri = TestServices.AmqpUri }.CreateConnectionAsync("vsr-test-inspector");
        return inspector;
    }
}
