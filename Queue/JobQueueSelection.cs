namespace Vsr.Queue;

/// <summary>The kind <see cref="JobQueueServiceCollectionExtensions.AddJobQueue"/> chose, for the consumer registration to follow.</summary>
internal sealed record JobQueueSelection(JobQueueKind Kind);
