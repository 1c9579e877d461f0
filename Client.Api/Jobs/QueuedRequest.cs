using System.Security.Cryptography;
using System.Text;
using Vsr.Grains.Intake;
using Vsr.Grains.Jobs;
using Vsr.Queue;
using Vsr.Storage;

namespace Vsr.Api.Jobs;

/// <summary>
/// The accepted request, kept beside the upload until a silo has taken it from the queue. Until then the job grain
/// does not know the job, so status reads fall back to this record and report PENDING instead of 404, or FAILED when
/// the submission was dead-lettered (<see cref="IntakeFailure"/>).
/// </summary>
public static class QueuedRequest
{
    public static string Key(Guid id) => JobKeys.Request(id);

    public static Task SaveAsync(IObjectStore store, SubmitJob request, CancellationToken cancellationToken) =>
        store.PutAsync(Key(request.JobId), new MemoryStream(SubmitJobCodec.Encode(request)), cancellationToken);

    /// <summary>The job as far as anyone knows it: the grain's view, else the queued request, else null.</summary>
    public static async Task<JobSnapshot?> FindJobAsync(Guid id, IGrainFactory grains, IObjectStore store, CancellationToken cancellationToken) =>
        (await FindAsync(id, grains, store, cancellationToken))?.Job;

    /// <summary>As <see cref="FindJobAsync"/>, saying whether the job is known only from its stored request.</summary>
    public static async Task<FoundJob?> FindAsync(Guid id, IGrainFactory grains, IObjectStore store, CancellationToken cancellationToken)
    {
        var job = await grains.GetGrain<IJobGrain>(id).GetSnapshot();
        if (job.Status != JobStatus.None)
        {
            return new FoundJob(job, StoredRequest: null);
        }

        await using var stored = await store.OpenReadAsync(Key(id), cancellationToken);
        if (stored is null)
        {
            // The grain may have saved the job since it was asked, and its end removed the stored request: ask again.
            var saved = await grains.GetGrain<IJobGrain>(id).GetSnapshot();
            return saved.Status == JobStatus.None ? null : new FoundJob(saved, StoredRequest: null);
        }

        using var buffer = new MemoryStream();
        await stored.CopyToAsync(buffer, cancellationToken);
        SubmitJob request;
        try
        {
            request = SubmitJobCodec.Decode(buffer.ToArray());
        }
        catch (MalformedMessageException unreadable)
        {
            // No consumer can read it either, so the job never starts: say so instead of failing every read with a 500.
            return new FoundJob(new JobSnapshot(id, JobStatus.Failed, Request: null, JobProgress.Empty,
                $"The stored submission of this job cannot be read ({unreadable.Message}), so the job never started. Submit the video again.",
                OutputKey: null, CreatedAt: null, CompletedAt: null, [], Coordinator: null, Source: null, Output: null), StoredRequest: null);
        }

        // Dead-lettered: no silo could accept it, and none will try again.
        var failure = await IntakeFailure.FindAsync(store, id, cancellationToken);
        var snapshot = new JobSnapshot(id, failure is null ? JobStatus.Pending : JobStatus.Failed,
            SubmitJobToGrain.RequestOf(request),
            JobProgress.Empty, failure?.Reason, OutputKey: null, request.SubmittedAt, failure?.FailedAt, [], Coordinator: null, Source: null, Output: null);
        return new FoundJob(snapshot, failure is null ? request : null);
    }

    /// <summary>A client's <c>Idempotency-Key</c> always maps to the same job id, so a retried POST finds its job.</summary>
    public static Guid IdFor(string idempotencyKey) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes("vsr-idempotency:" + idempotencyKey)).AsSpan(0, 16));
}
