namespace Vsr.Queue;

/// <summary>Which queue carries job intake (<c>Vsr:Queue:Kind</c>).</summary>
public enum JobQueueKind
{
    /// <summary>A bounded in-memory queue in this process: the embedded default, no broker, nothing survives a restart.</summary>
    InProcess,

    /// <summary>A durable RabbitMQ quorum queue with publisher confirms and a dead-letter queue.</summary>
    RabbitMq,
}
