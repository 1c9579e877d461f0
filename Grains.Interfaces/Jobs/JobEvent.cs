namespace Vsr.Grains.Jobs;

/// <summary>
/// A progress event of one job, published on the Orleans stream <c>{StreamProvider}/{StreamNamespace}/{job id}</c>
/// whenever the status or the frame count changes.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record JobEvent(
    [property: Id(0)] Guid Id,
    [property: Id(1)] JobStatus Status,
    [property: Id(2)] JobProgress Progress,
    [property: Id(3)] double? EtaSeconds,
    [property: Id(4)] string? Error)
{
    public const string StreamProvider = "jobs";
    public const string StreamNamespace = "job-progress";

    public bool IsTerminal => Status.IsTerminal();

    public static JobEvent From(JobSnapshot job)
    {
        var remaining = job.Progress.FramesTotal - job.Progress.FramesDone;
        double? eta = job.Progress.FramesPerSecond > 0 && remaining > 0 ? Math.Round(remaining / job.Progress.FramesPerSecond, 1) : null;
        return new JobEvent(job.Id, job.Status, job.Progress, eta, job.Error);
    }
}
