namespace Vsr.Queue.RabbitMq;

/// <summary>The headers a dead-lettered message carries in the dead-letter queue, beside its original body and message id.</summary>
public static class DeadLetterHeaders
{
    /// <summary>Why it was given up on: the handler's last error, or what is wrong with the message.</summary>
    public const string Reason = "x-vsr-dead-reason";

    /// <summary>How many times the handler was called with it (0 for a malformed message).</summary>
    public const string Attempts = "x-vsr-attempts";

    /// <summary>The queue it came from.</summary>
    public const string SourceQueue = "x-vsr-source-queue";

    /// <summary>When it was dead-lettered, in Unix milliseconds.</summary>
    public const string DeadLetteredAt = "x-vsr-dead-lettered-at";
}
