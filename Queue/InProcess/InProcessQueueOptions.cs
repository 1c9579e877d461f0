namespace Vsr.Queue.InProcess;

/// <summary>Settings of the embedded queue (section <c>Vsr:Queue:InProcess</c>).</summary>
public sealed class InProcessQueueOptions
{
    public const string SectionName = "Vsr:Queue:InProcess";

    /// <summary>How many messages may wait; a publisher waits while the queue is full.</summary>
    public int Capacity { get; set; } = 1000;

    /// <summary>How many times the handler is called with one message before it is dead-lettered.</summary>
    public int MaxDeliveries { get; set; } = 5;

    /// <summary>How many messages are handled at once.</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>The wait before a failed message is handled again.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);
}
