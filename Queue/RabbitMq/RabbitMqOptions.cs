namespace Vsr.Queue.RabbitMq;

/// <summary>Settings of the RabbitMQ queue (section <c>Vsr:Queue:RabbitMq</c>).</summary>
public sealed class RabbitMqOptions
{
    public const string SectionName = "Vsr:Queue:RabbitMq";

    /// <summary>The broker, e.g. <c>amqp://user:password@rabbitmq:5672/vhost</c>.</summary>
    public Uri? Uri { get; set; }

    /// <summary>The durable quorum queue that carries <see cref="SubmitJob"/> messages.</summary>
    public string QueueName { get; set; } = "vsr.jobs";

    /// <summary>Where messages go that were given up on, each with an <c>x-vsr-dead-reason</c> header.</summary>
    public string DeadLetterQueueName { get; set; } = "vsr.jobs.dead";

    /// <summary>How many times a message is delivered to the handler before it is dead-lettered.</summary>
    public int MaxDeliveries { get; set; } = 5;

    /// <summary>How many unacknowledged messages one consumer holds, and handles at once.</summary>
    public int Prefetch { get; set; } = 4;

    /// <summary>
    /// The wait before a failed message is handed back to the broker for redelivery, doubled for each earlier delivery
    /// (2, 4, 8, 16 s: with 5 deliveries, a database or store outage of about half a minute dead-letters nothing). The
    /// message holds its prefetch slot meanwhile, so an outage does not drain the queue into dead letters either.
    /// </summary>
    public TimeSpan RedeliveryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest of those waits.</summary>
    public TimeSpan MaxRedeliveryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The wait before the <paramref name="delivery"/>th delivery (from 1) of a message is handed back.</summary>
    public TimeSpan RedeliveryWait(int delivery) => Backoff.Doubling(RedeliveryDelay, delivery, MaxRedeliveryDelay);

    /// <summary>How many times a publish is retried (with exponential backoff) before it fails.</summary>
    public int PublishRetryLimit { get; set; } = 5;

    /// <summary>The first retry's delay; later ones double, with jitter.</summary>
    public TimeSpan PublishRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long one publish attempt may wait for the broker's confirm.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a lost connection is retried, by the client's recovery and by a consumer that cannot connect.</summary>
    public TimeSpan ReconnectInterval { get; set; } = TimeSpan.FromSeconds(5);
}
