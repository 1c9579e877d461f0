namespace Vsr.Grains.Jobs;

/// <summary>The persisted part of a job. Ids are never renumbered; add new fields with new ids.</summary>
[GenerateSerializer]
public sealed class JobState
{
    [Id(0)] public JobStatus Status { get; set; }
    [Id(1)] public JobRequest? Request { get; set; }
    [Id(2)] public List<ChunkRecord> Chunks { get; set; } = [];
    [Id(3)] public string? Error { get; set; }
    [Id(4)] public string? OutputKey { get; set; }
    [Id(5)] public DateTimeOffset? CreatedAt { get; set; }
    [Id(6)] public DateTimeOffset? StartedAt { get; set; }
    [Id(7)] public DateTimeOffset? CompletedAt { get; set; }
    [Id(8)] public VideoSummary? Source { get; set; }
    [Id(9)] public VideoSummary? Output { get; set; }
    [Id(10)] public ModelChoice? Choice { get; set; }
    [Id(11)] public WebhookDelivery? Webhook { get; set; }
    [Id(12)] public QualityReport? Quality { get; set; }
    [Id(13)] public EncoderSettings? Encoding { get; set; }
}
