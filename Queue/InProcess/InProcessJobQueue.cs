using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Vsr.Queue.InProcess;

/// <summary>
/// The embedded queue: a bounded channel in this process, consumed by <see cref="InProcessJobConsumer"/>. Same
/// contract as the broker (at-least-once to the handler, retries, dead letters with reasons), but nothing survives
/// the process: it is for one machine, where the job grain's own storage is in memory too.
/// </summary>
public sealed class InProcessJobQueue : IJobQueue, IDisposable
{
    public const string QueueName = "in-process";

    private readonly Channel<SubmitJob> channel;
    private readonly ConcurrentQueue<DeadLetter> deadLetters = new();
    private readonly QueueDepthGauge gauge = new(QueueName);
    private readonly TimeSpan publishTimeout;
    private readonly int capacity;

    public InProcessJobQueue(IOptions<InProcessQueueOptions> options)
    {
        publishTimeout = options.Value.PublishTimeout;
        capacity = options.Value.Capacity;
        channel = Channel.CreateBounded<SubmitJob>(new BoundedChannelOptions(options.Value.Capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>The messages given up on, oldest first, each with its reason.</summary>
    public IReadOnlyList<DeadLetter> DeadLetters => deadLetters.ToArray();

    internal ChannelReader<SubmitJob> Reader => channel.Reader;

    /// <summary>
    /// Returns once the message is queued; waits while the queue is full, at most
    /// <see cref="InProcessQueueOptions.PublishTimeout"/>, then throws <see cref="JobQueueUnavailableException"/>.
    /// </summary>
    public async Task PublishAsync(SubmitJob message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(publishTimeout);
        try
        {
            await channel.Writer.WriteAsync(message, timeout.Token);
        }
        catch (OperationCanceledException full) when (!cancellationToken.IsCancellationRequested)
        {
            throw new JobQueueUnavailableException(
                $"Job {message.JobId} could not be queued: the in-process queue stayed full ({capacity} waiting) for {publishTimeout}.", full);
        }
    }

    public Task<long> GetDepthAsync(CancellationToken cancellationToken)
    {
        long waiting = channel.Reader.Count;
        gauge.Record(waiting);
        return Task.FromResult(waiting);
    }

    public void Dispose() => gauge.Dispose();

    internal void DeadLetter(DeadLetter letter) => deadLetters.Enqueue(letter);
}
