using Vsr.Grains.Jobs;
using Vsr.Queue;

namespace Vsr.Api.Jobs;

/// <summary>
/// A job as <see cref="QueuedRequest.FindAsync"/> found it. <paramref name="StoredRequest"/> is set when the job is
/// known only from its stored request, PENDING: no silo has taken it from the queue, nor dead-lettered it, and a
/// message for it may never have been published (its request's publish failed after its submission claim was lost).
/// </summary>
public sealed record FoundJob(JobSnapshot Job, SubmitJob? StoredRequest);
