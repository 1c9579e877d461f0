namespace Vsr.Api.Hosting;

/// <summary>Bound from <c>Vsr:Api</c>.</summary>
public sealed class ApiOptions
{
    public const string Section = "Vsr:Api";

    /// <summary>Largest accepted upload, in bytes.</summary>
    public long MaxUploadBytes { get; set; } = 4L << 30;

    /// <summary>
    /// How many posted videos one replica receives at once (each takes up to <see cref="MaxUploadBytes"/> of its scratch
    /// disk while it is read, checked and stored); one more gets 503 with Retry-After. 0: no limit.
    /// </summary>
    public int MaxConcurrentUploads { get; set; }

    /// <summary>
    /// With an S3 object store, answer <c>GET /v1/jobs/{id}/output</c> with a redirect to a short-lived presigned URL
    /// instead of streaming the file through the API.
    /// </summary>
    public bool RedirectDownloads { get; set; } = true;

    /// <summary>How long a presigned download URL stays valid.</summary>
    public TimeSpan DownloadUrlLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long a direct upload (<c>POST /v1/uploads</c>) has: its PUT URL is valid this long, and an upload that no job
    /// was submitted for by then is deleted (S3 allows at most 7 days).
    /// </summary>
    public TimeSpan UploadLifetime { get; set; } = TimeSpan.FromHours(6);

    /// <summary>
    /// Offer direct uploads (<c>POST /v1/uploads</c>) when the object store is S3. Their PUT URLs are signed for
    /// <c>Vsr:ObjectStore:S3:PublicEndpoint</c> when set, else for the store's own endpoint, which must then be one
    /// clients reach; a deployment whose store is only reachable inside the cluster turns this off.
    /// </summary>
    public bool DirectUploads { get; set; } = true;

    /// <summary>Where uploads are checked before they are stored; each upload's file is removed at once.</summary>
    public string ScratchDirectory { get; set; } = ".vsr/api";

    /// <summary>
    /// How long a progress feed waits for an event before it reads the job's state itself (and sends it again): a
    /// lost terminal event still ends the feed, and an idle connection still sees traffic.
    /// </summary>
    public TimeSpan EventRecheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a request's claim on a job id lasts unrenewed. Requests that share an <c>Idempotency-Key</c> store and
    /// publish one at a time, across every API replica; the one holding the claim renews it every third of this for as
    /// long as a large upload takes, and a replica that dies holding it keeps that key's retries waiting this long at most.
    /// </summary>
    public TimeSpan SubmissionLease { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The bearer token that <c>GET /v1/jobs</c>, the list of every job, asks for; the list is off while it is unset.
    /// A secret: anyone with it can read every job id, and with an id a job's output.
    /// </summary>
    public string? OperatorToken { get; set; }
}
