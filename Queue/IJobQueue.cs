namespace Vsr.Queue;

/// <summary>The publishing side of job intake: where the API puts a <see cref="SubmitJob"/>.</summary>
public interface IJobQueue
{
    /// <summary>
    /// Puts the message on the queue and returns once the queue holds it: for RabbitMQ, once the broker has confirmed
    /// the persistent message. The message id is <see cref="SubmitJob.JobId"/>.
    /// </summary>
    /// <exception cref="JobQueueUnavailableException">The queue stayed unreachable through the configured retries.</exception>
    Task PublishAsync(SubmitJob message, CancellationToken cancellationToken);

    /// <summary>How many messages wait to be delivered (not counting those being handled now).</summary>
    Task<long> GetDepthAsync(CancellationToken cancellationToken);
}
