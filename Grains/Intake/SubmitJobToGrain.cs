using Vsr.Grains.Jobs;
using Vsr.Queue;

namespace Vsr.Grains.Intake;

/// <summary>
/// Turns a queued request into a job. Returns (so the message is acknowledged) only after the job grain has
/// persisted PENDING; a redelivered message finds the job already there and changes nothing.
/// </summary>
public sealed class SubmitJobToGrain(IGrainFactory grains, ILogger<SubmitJobToGrain> logger) : ISubmitJobHandler
{
    public async Task HandleAsync(SubmitJob message, CancellationToken cancellationToken)
    {
        var job = await grains.GetGrain<IJobGrain>(message.JobId)
            .Submit(new JobRequest(message.SourceKey, message.FileName, message.Scale, message.Model));
        logger.LogInformation("Queued job {Job} is {Status}", message.JobId, job.Status);
    }
}
