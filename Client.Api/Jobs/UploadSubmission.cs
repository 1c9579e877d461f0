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

        var stagingKey = IUploadGrain.StagingKey(uploadId);
        var size = await ((IPresigningObjectStore)store).SizeAsync(stagingKey, CancellationToken.None);
        if (size is null)
        {
            return UploadNotFound(uploadId, options);
        }

        if (size > options.MaxUploadBytes)
        {
            await store.DeletePrefixAsync(stagingKey, CancellationToken.None);
            return TooLarge(options);
        }

        var scratch = Directory.CreateDirectory(Path.GetFullPath(options.ScratchDirectory)).FullName;
        LocalObject local;
        try
        {
            local = await store.GetLocalAsync(stagingKey, scratch, CancellationToken.None);
        }
        catch (ObjectNotFoundException)
        {
            return UploadNotFound(uploadId, options);
        }

        await using (local)
        {
            if (new FileInfo(local.Path).Length > options.MaxUploadBytes)
            {
                // PUT again, larger, between the size check and the download.
                await store.DeletePrefixAsync(stagingKey, CancellationToken.None);
                return TooLarge(options);
            }

            VideoInfo video;
            try
            {
                video = await VideoProbe.ProbeAsync(local.Path, CancellationToken.None);
            }
            catch (InvalidVideoException invalid)
            {
                // It can never become a job: nothing to keep.
                await store.DeletePrefixAsync(stagingKey, CancellationToken.None);
                return Problem(StatusCodes.Status422UnprocessableEntity, "Not a decodable video", invalid.Message);
            }

            // These depend on the options too, so the upload stays for a submit with others.
            if (OutputRefusal(video, template.Scale, codec) is { } refused)
            {
                return refused;
            }

            if (claim.IsLost)
            {
                // The download and probe took longer than the claim's lease: the request holding it now goes on.
                return SubmissionBusy();
            }

            var request = template with
            {
                JobId = id,
                SourceKey = $"{JobKeys.Prefix(id)}source{extension}",
                FileName = UploadName(fileName ?? "", extension),
                SubmittedAt = DateTimeOffset.UtcNow,
            };
            // On failure only the job's folder goes: the staging object stays for a retry until its sweep.
            if (await StoreAndPublishAsync(request, local.Path, claim, store, queue, logger) is { } failed)
            {
                return failed;
            }
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
