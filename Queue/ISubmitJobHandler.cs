namespace Vsr.Queue;

/// <summary>
/// What a consumer does with each <see cref="SubmitJob"/>. The message is acknowledged only after this returns, so
/// returning means "the job is durably accepted" (in the silos: PENDING persisted by the job grain).
/// </summary>
/// <remarks>
/// Delivery is at least once: a message is delivered again after a failure, a consumer crash or a broker restart,
/// and the API may publish the same job twice. A handler must therefore be idempotent per
/// <see cref="SubmitJob.JobId"/>. The real handler gets that from <c>IJobGrain.Submit</c>, which returns the existing
/// job when called again with the same id; this library does not deduplicate.
/// </remarks>
public interface ISubmitJobHandler
{
    /// <summary>Accepts the job. Throwing means "try again later"; after the last delivery the message is dead-lettered with the exception's message.</summary>
    Task HandleAsync(SubmitJob message, CancellationToken cancellationToken);
}
