namespace Vsr.Grains.Jobs;

/// <summary>
/// One enhancement job, keyed by its id. Plans keyframe-aligned chunks, fans them out to inference grains,
/// assembles the result and keeps a persisted ledger of every chunk.
/// </summary>
public interface IJobGrain : IGrainWithGuidKey
{
    /// <summary>Accepts the job and starts it. Submitting the same job again returns its current snapshot.</summary>
    ValueTask<JobSnapshot> Submit(JobRequest request);

    /// <summary>The job's current state; <see cref="JobStatus.None"/> when no job has this id.</summary>
    ValueTask<JobSnapshot> GetSnapshot();

    /// <summary>
    /// Stops the job: running chunks are cancelled on their devices (ffmpeg and the model stop, scratch files go),
    /// and the job ends CANCELLED. A job already in a terminal state is left as it is.
    /// </summary>
    ValueTask<JobSnapshot> Cancel();

    /// <summary>
    /// Records that the job's queued submission was given up on (dead-lettered): a job with no state yet ends FAILED
    /// with <paramref name="reason"/> at <paramref name="failedAt"/> (created at <paramref name="submittedAt"/>), its upload
    /// is removed, and its callback, when <paramref name="request"/> names one, reports it. A job cancelled while queued
    /// takes the request as a late submission does (its callback reports the cancel). A job that was saved meanwhile is
    /// left as it is. Returns the job as it then stands.
    /// </summary>
    ValueTask<JobSnapshot> FailSubmission(JobRequest request, string reason, DateTimeOffset submittedAt, DateTimeOffset failedAt);

    /// <summary>Called by inference grains while a chunk runs; fire-and-forget.</summary>
    [OneWay]
    ValueTask ReportChunkProgress(int chunkIndex, int framesDone);
}
