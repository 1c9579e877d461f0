namespace Vsr.Grains.Jobs;

/// <summary>Where the job's end is in being reported to its callback URL.</summary>
public enum WebhookStatus
{
    /// <summary>Not sent yet, or sent and refused: tried again after a delay.</summary>
    Pending = 0,

    /// <summary>The receiver answered 2xx.</summary>
    Delivered = 1,

    /// <summary>Every attempt failed; the job's own state is unaffected and can still be read.</summary>
    Failed = 2,
}

/// <summary>The callback of an ended job: its status, how many POSTs were made, and why the last one failed.</summary>
[GenerateSerializer, Immutable]
public sealed record WebhookDelivery(
    [property: Id(0)] WebhookStatus Status,
    [property: Id(1)] int Attempts,
    [property: Id(2)] string? LastError,
    [property: Id(3)] DateTimeOffset? LastAttemptAt);
