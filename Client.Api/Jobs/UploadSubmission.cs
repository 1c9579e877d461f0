using Microsoft.AspNetCore.Http.HttpResults;
using Vsr.Api.Hosting;
using Vsr.Engine.Media;
using Vsr.Grains.Jobs;
using Vsr.Queue;
using Vsr.Storage;
using Vsr.Grains.Intake;
using static Vsr.Api.Jobs.JobEndpoints;

namespace Vsr.Api.Jobs;

/// <summary>
/// Direct uploads: <c>POST /v1/uploads</c> reserves a job id and hands out a presigned PUT URL for a staging object
/// (<see cref="IUploadGrain.StagingKey"/>), so the video goes from the client straight into the object store;
/// <c>POST /v1/jobs</c> with <c>uploadId</c> checks the staging object as a posted file is checked, copies it into the job's
/// own folder and queues the job. The job never reads the staging object, so a PUT after the submit changes nothing it
/// runs on. The upload id is the job id and the source's extension (<c>{id:N}.mp4</c>): a retried submit with it
/// answers with the same job. The staging object is deleted after the submit, and again by its
/// <see cref="IUploadGrain"/> once the URL has expired (a PUT may still land until then).
/// </summary>
public static class UploadSubmission
{
    /// <summary>How long the check of an upload may read it in place (a few GB at the store's in-cluster speed).</summary>
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromMinutes(15);

    /// <summary>The sweep runs this long after the URL expires, so a PUT or a submit under way at the expiry finishes first.</summary>
    private static readonly TimeSpan SweepGrace = TimeSpan.FromMinutes(30);

    public static void MapUploadEndpoints(this IEndpointRouteBuilder app) =>
        app.MapPost("/v1/uploads", CreateAsync).DisableAntiforgery();

    /// <summary>The body of a created upload.</summary>
    public sealed record UploadTicket(string UploadId, Guid JobId, Uri Url, string Method, DateTimeOffset ExpiresAt, long MaxBytes);

    private static async Task<Results<Created<UploadTicket>, ProblemHttpResult>> CreateAsync(
        HttpRequest http, IObjectStore store, IGrainFactory grains, IOptions<ApiOptions> options, CancellationToken cancellationToken)
    {
        if (Unavailable(store, options.Value) is { } unavailable)
        {
            return unavailable;
        }

        var presigning = (IPresigningObjectStore)store;
        var extension = SafeExtension(http.Query["fileName"].FirstOrDefault() ?? "");
        var jobId = Guid.NewGuid();
        var uploadId = $"{jobId:N}{extension}";
        var lifetime = options.Value.UploadLifetime;
        var expiresAt = DateTimeOffset.UtcNow + lifetime;
        // Watched before the URL is handed out: nothing is ever stored through it without its sweep.
        await grains.GetGrain<IUploadGrain>(uploadId).Watch(expiresAt + SweepGrace);
        var url = await presigning.PresignPutAsync(IUploadGrain.StagingKey(uploadId), lifetime, cancellationToken);
        return TypedResults.Created((string?)null, new UploadTicket(uploadId, jobId, url, "PUT", expiresAt, options.Value.MaxUploadBytes));
    }

    /// <summary>Submits the upload named by <paramref name="uploadId"/> with the options of <paramref name="template"/>.</summary>
    internal static async Task<Results<Accepted<SubmitResponse>, ProblemHttpResult>> SubmitAsync(
        string uploadId, string? fileName, SubmitJob template, OutputCodec codec, IGrainFactory grains, IObjectStore store, IJobQueue queue,
        ApiOptions options, SubmissionClaims claims, ILogger logger)
    {
        if (Unavailable(store, options) is { } unavailable)
        {
            return unavailable;
        }

        if (!TryParse(uploadId, out var id, out var extension))
        {
            return Problem(StatusCodes.Status400BadRequest, "Not an upload id",
                $"'{uploadId}' is not an upload id; POST /v1/uploads makes one (for example 0f3c…9a.mp4).");
        }

        // No client cancellation from here: like a keyed submit whose upload was read, it stores and publishes or undoes.
        var claim = await claims.TryEnterAsync(id);
        await using var held = claim;
        if (claim is null)
        {
            return SubmissionBusy();
        }

        if (await QueuedRequest.FindAsync(id, grains, store, CancellationToken.None) is { } made)
        {
            // Submitted before: the same job, as for a retried keyed request.
            return await AnswerWithAsync(made, claim, queue);
        }

        if (claim.IsLost)
        {
            return SubmissionBusy();
        }

        var presigning = (IPresigningObjectStore)store;
        var stagingKey = IUploadGrain.StagingKey(uploadId);
        var staged = await presigning.StatAsync(stagingKey, CancellationToken.None);
        if (staged is null)
        {
            return UploadNotFound(uploadId, options);
        }

        if (staged.Size > options.MaxUploadBytes)
        {
            await store.DeletePrefixAsync(stagingKey, CancellationToken.None);
            return TooLarge(options);
        }

        VideoInfo video;
        using var limit = new CancellationTokenSource(CheckTimeout);
        try
        {
            // Read in place over a short-lived URL: ffprobe streams what it needs, and nothing lands on the API's disk.
            var url = await presigning.PresignServiceGetAsync(stagingKey, CheckTimeout, CancellationToken.None);
            video = await VideoProbe.ProbeAsync(url.ToString(), limit.Token, staged.ETag);
        }
        catch (SourceUnreadableException unreadable)
        {
            logger.LogWarning(unreadable.InnerException, "Upload {Upload} could not be read for its check", uploadId);
            return await AfterFailedReadAsync(presigning, stagingKey, staged, uploadId, options) ??
                Problem(StatusCodes.Status503ServiceUnavailable, "The upload could not be read", $"The object store did not serve '{uploadId}' to the check. Submit it again.");
        }
        catch (InvalidVideoException invalid)
        {
            // Not deleted: a read cut short can look like a broken file, and a retry checks it again; the sweep removes it.
            return await AfterFailedReadAsync(presigning, stagingKey, staged, uploadId, options) ??
                Problem(StatusCodes.Status422UnprocessableEntity, "Not a decodable video", invalid.Message);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, "The upload could not be read in time",
                $"Checking '{uploadId}' took longer than {CheckTimeout}; the object store may be slow. Submit it again.");
        }

        // These depend on the options too, so the upload stays for a submit with others.
        if (OutputRefusal(video, template.Scale, codec) is { } refused)
        {
            return refused;
        }

        if (!await claim.ConfirmAsync())
        {
            // The probe took longer than the claim's lease: the request holding it now goes on.
            return SubmissionBusy();
        }

        var request = template with
        {
            JobId = id,
            SourceKey = $"{JobKeys.Prefix(id)}source{extension}",
            FileName = UploadName(fileName ?? "", extension),
            SubmittedAt = DateTimeOffset.UtcNow,
        };
        try
        {
            // Copied inside the store, only as it was when checked. On failure only the job's folder goes: the staging
            // object stays for a retry until its sweep.
            if (await StoreAndPublishAsync(request, () => presigning.CopyAsync(stagingKey, request.SourceKey, staged.ETag, CancellationToken.None),
                    claim, store, queue, logger) is { } failed)
            {
                return failed;
            }
        }
        catch (ObjectChangedException)
        {
            return Changed(uploadId);
        }
        catch (Vsr.Storage.ObjectNotFoundException)
        {
            return UploadNotFound(uploadId, options);
        }

        // The job has its own copy now; the sweep deletes whatever a later PUT writes here, and this too if it fails now.
        try
        {
            await store.DeletePrefixAsync(stagingKey, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Upload {Upload}: its staging object stays until its sweep", uploadId);
        }

        logger.LogInformation("Accepted job {Job} from upload {Upload}", id, uploadId);
        return TypedResults.Accepted($"/v1/jobs/{id}", new SubmitResponse(id, JobView.StatusName(JobStatus.Pending)));
    }

    private static ProblemHttpResult? Unavailable(IObjectStore store, ApiOptions options) =>
        store is not IPresigningObjectStore
            ? Problem(StatusCodes.Status501NotImplemented, "Direct uploads need an S3 object store",
                "This service keeps its objects on a filesystem (Vsr:ObjectStore=FileSystem), which cannot hand out upload URLs; send the video in the 'file' field of POST /v1/jobs.")
            : !options.DirectUploads
                ? Problem(StatusCodes.Status501NotImplemented, "Direct uploads are off",
                    "This deployment's object store is not reachable by clients (Vsr:Api:DirectUploads is false); send the video in the 'file' field of POST /v1/jobs.")
                : null;

    /// <summary>
    /// After a failed read: <c>404</c> when the upload is gone (swept), <c>409</c> when it was written again (the read
    /// asked for the checked version only), else null: the failure is the read's or the video's own.
    /// </summary>
    private static async Task<ProblemHttpResult?> AfterFailedReadAsync(IPresigningObjectStore store, string stagingKey, StoredObject staged,
        string uploadId, ApiOptions options)
    {
        StoredObject? now;
        try
        {
            now = await store.StatAsync(stagingKey, CancellationToken.None);
        }
        catch (Exception)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, "The upload could not be read", $"The object store did not answer for '{uploadId}'. Submit it again.");
        }

        return now is null ? UploadNotFound(uploadId, options) : now.ETag != staged.ETag ? Changed(uploadId) : null;
    }

    private static ProblemHttpResult Changed(string uploadId) =>
        Problem(StatusCodes.Status409Conflict, "The upload changed while it was checked",
            $"'{uploadId}' was PUT again while the video was being checked, so what was checked is not what is there now. Submit it again.");

    private static ProblemHttpResult UploadNotFound(string uploadId, ApiOptions options) =>
        Problem(StatusCodes.Status404NotFound, "Upload not found",
            $"Nothing is uploaded under '{uploadId}': PUT the video to the upload's URL first. An upload is deleted once its job is " +
            $"submitted, and one never submitted about {options.UploadLifetime} (Vsr:Api:UploadLifetime) after it was made.");

    /// <summary>Reads <c>{id:N}{extension}</c>, the extension as <see cref="JobEndpoints.SafeExtension"/> makes it.</summary>
    internal static bool TryParse(string uploadId, out Guid jobId, out string extension)
    {
        extension = uploadId.Length > 32 ? uploadId[32..] : "";
        return Guid.TryParseExact(uploadId.Length >= 32 ? uploadId[..32] : "", "N", out jobId)
            && extension.Length > 0 && SafeExtension("x" + extension) == extension;
    }
}
