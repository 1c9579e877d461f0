using Vsr.Engine.Media;
using Vsr.Grains.Jobs;
using Vsr.Queue;

namespace Vsr.Grains.Intake;

/// <summary>
/// Turns a queued request into a job. Returns (so the message is acknowledged) only after the job grain has
/// persisted PENDING; a redelivered message finds the job already there and changes nothing.
/// </summary>
public sealed class SubmitJobToGrain(
    IGrainFactory grains,
    IClusterMembershipService membership,
    ILocalSiloDetails localSilo,
    ILogger<SubmitJobToGrain> logger) : ISubmitJobHandler
{
    private static readonly TimeSpan StartupWait = TimeSpan.FromMinutes(2);

    public async Task HandleAsync(SubmitJob message, CancellationToken cancellationToken)
    {
        await WaitUntilSiloIsActiveAsync(cancellationToken);
        var job = await grains.GetGrain<IJobGrain>(message.JobId)
            .Submit(RequestOf(message));
        logger.LogInformation("Queued job {Job} is {Status}", message.JobId, job.Status);
    }

    /// <summary>The job request a queued submission carries, its codec under its own name (<c>h265</c> is <c>hevc</c>).</summary>
    public static JobRequest RequestOf(SubmitJob message) => new(message.SourceKey, message.FileName, message.Scale, message.Model,
        message.Content, message.Denoise, message.Deblock, message.Sharpen, message.CallbackUrl, message.QualityReport,
        OutputCodecs.Parse(message.Codec)?.Name() ?? message.Codec, message.Crf, message.BitDepth);

    /// <summary>
    /// The consumer can start before the silo has joined the cluster. Failing those first messages would spend their
    /// delivery attempts and could dead-letter good jobs, so they wait for the silo instead.
    /// </summary>
    private async Task WaitUntilSiloIsActiveAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + StartupWait;
        while (membership.CurrentSnapshot.GetSiloStatus(localSilo.SiloAddress) != SiloStatus.Active)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Silo {localSilo.SiloAddress} did not become active within {StartupWait}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }
}
