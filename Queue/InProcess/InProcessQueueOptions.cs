namespace Vsr.Queue.InProcess;

/// <summary>Settings of the embedded queue (section <c>Vsr:Queue:InProcess</c>).</summary>
public sealed class InProcessQueueOptions
{
    public const string SectionName = "Vsr:Queue:InProcess";

    /// <summary>How many messages may wait; a publisher waits while the queue is full.</summary>
    public int Capacity { get; set; } = 1000;

    /// <summary>How long a publisher waits while the queue is full before it is refused (the API answers 503).</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many times the handler is called with one message before it is dead-lettered.</summary>
    public int MaxDeliveries { get; set; } = 5;

    /// <summary>How many messages are handled at once.</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>The wait before a failed message is handled again, doubled after each failure (2, 4, 8, 16 s).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest of those waits.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);
}
