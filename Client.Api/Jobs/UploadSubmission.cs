using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Vsr.Api.Hosting;
using Vsr.Engine.Media;
using Vsr.Grains.Jobs;
using Vsr.Queue;
using Vsr.Storage;
using static Vsr.Api.Jobs.JobEndpoints;

namespace Vsr.Api.Jobs;

/// <summary>
/// Direct uploads: <c>POST /v1/uploads</c> reserves a job id and hands out a presigned PUT URL for the job's source, so
/// the video goes from the client straight into the object store; <c>POST /v1/jobs</c> with <c>uploadId</c> then
/// submits it. The upload id is the job id and the source's extension (<c>{id:N}.mp4</c>): a retried submit with it
/// answers with the same job. An upload no job was submitted for within <see cref="ApiOptions.UploadLifetime"/> is
/// deleted by its <see cref="Grains.Intake.IUploadGrain"/>.
/// </summary>
public static class UploadSubmission
{
    /// <summary>After the deadline the upload is swept, not at once: a submission under way at the deadline finishes first.</summary>
    private static readonly TimeSpan SweepGrace = TimeSpan.FromMinutes(10);

    public static void MapUploadEndpoints(this IEndpointRouteBuilder app) =>
        app.MapPost("/v1/uploads", CreateAsync).DisableAntiforgery();

    /// <summary>The body of a created upload.</summary>
    public sealed record UploadTicket(string UploadId, Guid JobId, Uri Url, string Method, DateTimeOffset ExpiresAt, long MaxBytes);

    private static async Task<Results<Created<UploadTicket>, ProblemHttpResult>> CreateAsync(
        HttpRequest http, IObjectStore store, IGrainFactory grains, IOptions<ApiOptions> options, CancellationToken cancellationToken)
    {
        if (store is not IPresigningObjectStore presigning)
        {
            return Problem(StatusCodes.Status501NotImplemented, "Direct uploads need an S3 object store",
                "This service keeps its objects on a filesystem (Vsr:ObjectStore=FileSystem), which cannot hand out upload URLs; send the video in the 'file' field of POST /v1/jobs.");
        }

        var fileName = http.Query["fileName"].FirstOrDefault() ?? "";
        var extension = SafeExtension(fileName);
        var jobId = Guid.NewGuid();
        var lifetime = options.Value.UploadLifetime;
        var expiresAt = DateTimeOffset.UtcNow + lifetime;
        // Watched before the URL is handed out: an upload is never stored without its sweep.
        await grains.GetGrain<Grains.Intake.IUploadGrain>(jobId).Watch(expiresAt + SweepGrace);
        var url = await presigning.PresignPutAsync(SourceKey(jobId, extension), lifetime, cancellationToken);
        var uploadId = $"{jobId:N}{extension}";
        return TypedResults.Created((string?)null, new UploadTicket(uploadId, jobId, url, "PUT", expiresAt, options.Value.MaxUploadBytes));
    }

    /// <summary>Submits the upload named by <paramref name="uploadId"/> with the options of <paramref name="template"/>.</summary>
    internal static async Task<Results<Accepted<SubmitResponse>, ProblemHttpResult>> SubmitAsync(
        string uploadId, string? fileName, SubmitJob template, OutputCodec codec, IGrainFactory grains, IObjectStore store, IJobQueue queue,
        ApiOptions options, SubmissionClaims claims, ILogger logger)
    {
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

        var sourceKey = SourceKey(id, extension);
        if (!await store.ExistsAsync(sourceKey, CancellationToken.None))
        {
            return Problem(StatusCodes.Status404NotFound, "Upload not found",
                $"Nothing was uploaded for '{uploadId}': PUT the video to the upload's URL first. An upload that is not submitted within " +
                $"{options.UploadLifetime} (Vsr:Api:UploadLifetime) of its creation is deleted.");
        }

        var scratch = Directory.CreateDirectory(Path.GetFullPath(options.ScratchDirectory)).FullName;
        VideoInfo video;
        await using (var local = await store.GetLocalAsync(sourceKey, scratch, CancellationToken.None))
        {
            var bytes = new FileInfo(local.Path).Length;
            if (bytes > options.MaxUploadBytes)
            {
                await store.DeletePrefixAsync(JobKeys.Prefix(id), CancellationToken.None);
                return TooLarge(options);
            }

            try
            {
                video = await VideoProbe.ProbeAsync(local.Path, CancellationToken.None);
            }
            catch (InvalidVideoException invalid)
            {
                // It can never become a job: nothing to keep.
                await store.DeletePrefixAsync(JobKeys.Prefix(id), CancellationToken.None);
                return Problem(StatusCodes.Status422UnprocessableEntity, "Not a decodable video", invalid.Message);
            }
        }

        // These depend on the options too, so the upload stays for a submit with others.
        if (Math.Max(video.Width, video.Height) * template.Scale > MaxEncodedSide)
        {
            return OutputTooLarge(video, template.Scale);
        }

        if (codec.SizeRefusal(video.Width * template.Scale, video.Height * template.Scale) is { } tooSmall)
        {
            return Problem(StatusCodes.Status422UnprocessableEntity, "Output too small for the codec", $"{tooSmall}.");
        }

        var request = template with
        {
            JobId = id,
            SourceKey = sourceKey,
            FileName = UploadName(string.IsNullOrWhiteSpace(fileName) ? "" : fileName, extension),
            SubmittedAt = DateTimeOffset.UtcNow,
        };
        var queued = false;
        try
        {
            await QueuedRequest.SaveAsync(store, request, CancellationToken.None);
            await queue.PublishAsync(request, CancellationToken.None);
            queued = true;
        }
        catch (JobQueueUnavailableException unavailable)
        {
            return QueueUnavailable(unavailable);
        }
        finally
        {
            if (!queued && !claim.IsLost)
            {
                // Only the stored request: the upload is the client's, kept for a retry until its sweep.
                await store.DeletePrefixAsync(JobKeys.Request(id), CancellationToken.None);
            }
        }

        logger.LogInformation("Accepted job {Job} from upload {Upload}", id, uploadId);
        return TypedResults.Accepted($"/v1/jobs/{id}", new SubmitResponse(id, JobView.StatusName(JobStatus.Pending)));
    }

    private static string SourceKey(Guid jobId, string extension) => $"{JobKeys.Prefix(jobId)}source{extension}";

    /// <summary>Reads <c>{id:N}{extension}</c>, the extension as <see cref="JobEndpoints.SafeExtension"/> makes it.</summary>
    internal static bool TryParse(string uploadId, out Guid jobId, out string extension)
    {
        extension = uploadId.Length > 32 ? uploadId[32..] : "";
        return Guid.TryParseExact(uploadId.Length >= 32 ? uploadId[..32] : "", "N", out jobId)
            && extension.Length > 0 && SafeExtension("x" + extension) == extension;
    }
}
