namespace Vsr.Grains.Jobs;

/// <summary>
/// Everything a caller may know about a job at one moment. <see cref="Revision"/> grows with each snapshot its grain
/// takes (its progress events are snapshots too), across activations as far as the silos' clocks agree.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record JobSnapshot(
    [property: Id(0)] Guid Id,
    [property: Id(1)] JobStatus Status,
    [property: Id(2)] JobRequest? Request,
    [property: Id(3)] JobProgress Progress,
    [property: Id(4)] string? Error,
    [property: Id(5)] string? OutputKey,
    [property: Id(6)] DateTimeOffset? CreatedAt,
    [property: Id(7)] DateTimeOffset? CompletedAt,
    [property: Id(8)] IReadOnlyList<ChunkRecord> Chunks,
    [property: Id(9)] string? Coordinator,
    [property: Id(10)] VideoSummary? Source,
    [property: Id(11)] VideoSummary? Output,
    [property: Id(12)] ModelChoice? Choice = null,
    [property: Id(13)] WebhookDelivery? Webhook = null,
    [property: Id(14)] QualityReport? Quality = null,
    [property: Id(15)] long Revision = 0);
