using Vsr.Engine.Media;
using Vsr.Grains.Jobs;

namespace Vsr.Api.Jobs;

/// <summary>The JSON a client sees for a job. Status names are upper case: PENDING, PROCESSING, COMPLETED, FAILED.</summary>
public sealed record JobView(
    Guid Id,
    string Status,
    string? FileName,
    int? Scale,
    string? Model,
    string? Content,
    bool Denoise,
    bool Deblock,
    double Sharpen,
    string? CallbackUrl,
    WebhookView? Callback,
    string Codec,
    int? Crf,
    int BitDepth,
    bool QualityReport,
    QualityReport? Quality,
    ModelChoice? ModelChoice,
    JobProgress Progress,
    string? Error,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? CompletedAt,
    VideoSummary? Source,
    VideoSummary? Output,
    string? OutputUrl,
    string? Coordinator,
    IReadOnlyList<ChunkView> Chunks)
{
    public static string StatusName(JobStatus status) => status.ToString().ToUpperInvariant();

    /// <summary>
    /// Only the callback URL's scheme and host: its path and query often carry the receiver's token (Slack, Teams and
    /// Discord put it in the path), and anyone with the job id reads this.
    /// </summary>
    private static string? Redacted(string? url) =>
        url is null || !Uri.TryCreate(url, UriKind.Absolute, out var parsed) ? url : $"{parsed.Scheme}://{parsed.Authority}/…";

    public static JobView From(JobSnapshot job) => new(
        job.Id,
        StatusName(job.Status),
        job.Request?.FileName,
        job.Request?.Scale,
        job.Choice?.Model ?? job.Request?.Model,
        job.Request?.Content,
        job.Request?.Denoise ?? false,
        job.Request?.Deblock ?? false,
        job.Request?.Sharpen ?? 0,
        Redacted(job.Request?.CallbackUrl),
        job.Webhook is { } webhook ? new WebhookView(webhook.Status.ToString().ToUpperInvariant(), webhook.Attempts, webhook.LastError, webhook.LastAttemptAt) : null,
        job.Request?.Codec ?? OutputCodec.H264.Name(),
        job.Request?.Crf,
        job.Request?.BitDepth ?? 8,
        job.Request?.QualityReport ?? false,
        job.Quality,
        job.Choice,
        job.Progress,
        job.Error,
        job.CreatedAt,
        job.CompletedAt,
        job.Source,
        job.Output,
        job.Status == JobStatus.Completed ? $"/v1/jobs/{job.Id}/output" : null,
        job.Coordinator,
        job.Chunks.Select(ChunkView.From).ToList());
}

/// <summary>Where the job's callback stands: <c>PENDING</c>, <c>DELIVERED</c> or <c>FAILED</c>, with the attempts made.</summary>
public sealed record WebhookView(string Status, int Attempts, string? LastError, DateTimeOffset? LastAttemptAt);
