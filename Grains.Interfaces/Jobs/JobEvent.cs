namespace Vsr.Grains.Jobs;

/// <summary>
/// A progress event of one job, published on the Orleans stream <c>{StreamProvider}/{StreamNamespace}/{job id}</c>
/// whenever the status or the frame count changes. <see cref="Revision"/> orders the job's events and snapshots, so a
/// reader can tell an event delivered late from a newer state (0: unknown, as from a job no grain has yet).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record JobEvent(
    [property: Id(0)] Guid Id,
    [property: Id(1)] JobStatus Status,
    [property: Id(2)] JobProgress Progress,
    [property: Id(3)] double? EtaSeconds,
    [property: Id(4)] string? Error,
    [property: Id(5)] long Revision = 0)
{
    public const string StreamProvider = "jobs";
    public const string StreamNamespace = "job-progress";

    public bool IsTerminal => Status.IsTerminal();

    public static JobEvent From(JobSnapshot job)
    {
        var remaining = job.Progress.FramesTotal - job.Progress.FramesDone;
        double? eta = job.Progress.FramesPerSecond > 0 && remaining > 0 ? Math.Round(remaining / job.Progress.FramesPerSecond, 1) : null;
        return new JobEvent(job.Id, job.Status, job.Progress, eta, job.Error, job.Revision);
    }
}
