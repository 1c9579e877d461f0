using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Vsr.Api.Hosting;
using Vsr.Engine.Media;
using Vsr.Engine.Models;
using Vsr.Grains.Jobs;
using Vsr.Grains.Webhooks;
using Vsr.Queue;
using Vsr.Storage;

namespace Vsr.Api.Jobs;

/// <summary>The <c>/v1</c> HTTP surface. Every error is RFC 9457 problem+json.</summary>
public static class JobEndpoints
{
    internal const string UnknownExtension = ".bin";

    // The encoders refuse frames wider or taller than this; every chunk of a larger output would fail in the encoder.
    private const int MaxEncodedSide = OutputCodecs.MaxEncodedSide;

    private static readonly int[] Scales = [2, 4];

    public static void MapJobEndpoints(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1");
        v1.MapPost("/jobs", SubmitAsync).DisableAntiforgery();
        v1.MapGet("/jobs/{id:guid}", GetAsync);
        v1.MapMethods("/jobs/{id:guid}/output", [HttpMethods.Get, HttpMethods.Head], GetOutputAsync);
        v1.MapGet("/jobs/{id:guid}/events", GetEventsAsync);
        v1.MapDelete("/jobs/{id:guid}", CancelAsync);
        v1.MapGet("/models", (ModelCatalog catalog) => TypedResults.Ok(catalog.List()));
    }

    private static async Task<Results<Accepted<SubmitResponse>, ProblemHttpResult>> SubmitAsync(
        HttpRequest http, IGrainFactory grains, IObjectStore store, IJobQueue queue, ModelCatalog catalog, IOptions<ApiOptions> options,
        SubmissionClaims claims, CallbackPolicy callbacks, UploadSlots slots, ILogger<JobRequest> logger, CancellationToken cancellationToken)
    {
        var idempotencyKey = http.Headers["Idempotency-Key"].FirstOrDefault();
        var keyed = !string.IsNullOrWhiteSpace(idempotencyKey);
        var id = keyed ? QueuedRequest.IdFor(idempotencyKey!) : Guid.NewGuid();
        if (keyed)
        {
            // Looked up in turn: a request with the key that is storing or publishing right now may still fail and remove
            // what it stored, so a retry answers with that job only once the submission is settled.
            await using (var turn = await claims.EnterAsync(id, cancellationToken))
            {
                if (await QueuedRequest.FindAsync(id, grains, store, cancellationToken) is { } existing)
                {
                    // A retried request: the job exists already, so answer as the first time did and store nothing again.
                    return await AnswerWithAsync(existing, turn, queue);
                }
            }
        }

        if (!IsMultipartFormData(http))
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, "Upload must be multipart/form-data",
                "Send the video as a multipart/form-data field named 'file', with optional fields 'scale' (2 or 4), 'content' (auto, live or animation), 'denoise', 'deblock' (true or false), 'sharpen' (0 to 1), 'callbackUrl' and 'model'.");
        }

        if (http.ContentLength > options.Value.MaxUploadBytes)
        {
            return TooLarge(options.Value);
        }

        using var slot = slots.TryTake();
        if (slot is null)
        {
            http.HttpContext.Response.Headers.RetryAfter = "30";
            return Problem(StatusCodes.Status503ServiceUnavailable, "Too many uploads at once",
                $"This replica is receiving {options.Value.MaxConcurrentUploads} videos already (Vsr:Api:MaxConcurrentUploads). Try again shortly, or upload directly (POST /v1/uploads) where the store allows it.");
        }

        UploadForm upload;
        try
        {
            upload = await UploadForm.ReadAsync(http, options.Value.ScratchDirectory, options.Value.MaxUploadBytes, cancellationToken);
        }
        catch (UploadFormException bad)
        {
            return bad.Status == StatusCodes.Status413PayloadTooLarge ? TooLarge(options.Value) : Problem(bad.Status, bad.Title, bad.Message);
        }
        catch (ScratchFullException full)
        {
            logger.LogError(full.InnerException, "An upload could not be written to the scratch directory {Scratch}", options.Value.ScratchDirectory);
            return Problem(StatusCodes.Status503ServiceUnavailable, "Upload could not be stored",
                "The service is short of scratch space for uploads right now. Try again shortly.");
        }
        catch (BadHttpRequestException bad) when (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(options.Value);
        }
        catch (BadHttpRequestException bad)
        {
            return Problem(bad.StatusCode, "Unreadable request body", bad.Message);
        }
        catch (IOException cut) when (!cancellationToken.IsCancellationRequested)
        {
            return Problem(StatusCodes.Status400BadRequest, "Incomplete upload", $"The multipart body ended early: {cut.Message}");
        }

        await using var received = upload;
        var form = upload.Fields;
        var file = upload.File;
        var uploadId = form["uploadId"].FirstOrDefault()?.Trim();
        if (!string.IsNullOrEmpty(uploadId))
        {
            if (file is not null)
            {
                return Problem(StatusCodes.Status400BadRequest, "Two videos", "Send either the field 'file' or 'uploadId', not both.");
            }

            if (keyed)
            {
                return Problem(StatusCodes.Status400BadRequest, "Idempotency-Key with an upload",
                    "An 'uploadId' names its job already, so a retry with it answers with the same job; leave the Idempotency-Key header out.");
            }
        }
        else if (file is null || file.Length == 0)
        {
            return Problem(StatusCodes.Status400BadRequest, "No video uploaded",
                "The multipart field 'file' is missing or empty (or name a direct upload in 'uploadId', see POST /v1/uploads).");
        }

        // A blank field means its default, as for every other option (an HTML form's empty choice, `-F scale=`).
        var scaleText = Text(form, "scale") ?? "2";
        if (!int.TryParse(scaleText, out var scale) || !Scales.Contains(scale))
        {
            return Problem(StatusCodes.Status400BadRequest, "Unsupported scale", $"'scale' must be 2 or 4, not '{scaleText}'.");
        }

        var contentText = Text(form, "content") ?? JobContent.Auto;
        if (JobContent.Normalize(contentText) is not { } content)
        {
            return Problem(StatusCodes.Status400BadRequest, "Unsupported content",
                $"'content' must be one of {string.Join(", ", JobContent.All)}, not '{contentText}'.");
        }

        if (!TryReadSwitch(form, "denoise", out var denoise) || !TryReadSwitch(form, "deblock", out var deblock))
        {
            return Problem(StatusCodes.Status400BadRequest, "Unsupported option",
                $"'denoise' and 'deblock' must be true or false, not '{form["denoise"]}' / '{form["deblock"]}'.");
        }

        if (!TryReadSharpen(form, out var sharpen))
        {
            return Problem(StatusCodes.Status400BadRequest, "Unsupported option",
                $"'sharpen' must be a strength from 0 to 1, or true ({DefaultSharpen}) or false, not '{form["sharpen"]}'.");
        }

        var codecName = form["codec"].FirstOrDefault()?.Trim();
        codecName = string.IsNullOrEmpty(codecName) ? null : codecName;
        var crfText = form["crf"].FirstOrDefault()?.Trim();
        var bitDepthText = form["bitDepth"].FirstOrDefault()?.Trim();
        int? crf = null;
        if (!string.IsNullOrEmpty(crfText))
        {
            if (!int.TryParse(crfText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                return Problem(StatusCodes.Status400BadRequest, "Unsupported option", $"'crf' must be a whole number, not '{crfText}'.");
            }

            crf = value;
        }

        var bitDepth = 8;
        if (!string.IsNullOrEmpty(bitDepthText) && !int.TryParse(bitDepthText, NumberStyles.Integer, CultureInfo.InvariantCulture, out bitDepth))
        {
            return Problem(StatusCodes.Status400BadRequest, "Unsupported option", $"'bitDepth' must be 8 or 10, not '{bitDepthText}'.");
        }

        if (OutputCodecs.Refusal(codecName, crf, bitDepth) is { } encodingRefusal)
        {
            return Problem(StatusCodes.Status400BadRequest, "Unsupported option", $"{encodingRefusal}.");
        }

        var codec = OutputCodecs.ForJob(codecName)!.Value;
        codecName = codec.Name();

        if (!TryReadSwitch(form, "qualityReport", out var qualityReport))
        {
            return Problem(StatusCodes.Status400BadRequest, "Unsupported option", $"'qualityReport' must be true or false, not '{form["qualityReport"]}'.");
        }

        var callbackUrl = form["callbackUrl"].FirstOrDefault();
        if (string.IsNullOrWhiteSpace(callbackUrl))
        {
            callbackUrl = null;
        }
        else if (callbacks.Refusal(callbackUrl) is { } refusal)
        {
            return Problem(StatusCodes.Status400BadRequest, "Unsupported callback URL", $"{refusal}.");
        }

        var model = form["model"].FirstOrDefault();
        if (string.IsNullOrWhiteSpace(model))
        {
            model = null;
        }
        else if (catalog.List().FirstOrDefault(m => m.Name == model) is not { } descriptor || !descriptor.Scales.Contains(scale) || descriptor.Scales.SequenceEqual([1]))
        {
            return Problem(StatusCodes.Status400BadRequest, "Unknown model",
                $"Model '{model}' at x{scale} is not offered; GET /v1/models lists the models and their scales.");
        }

        // Everything but the job's id, source and name, which depend on how the video came.
        var template = new SubmitJob(Guid.Empty, "", "", scale, model, default, content, denoise, deblock, sharpen, callbackUrl, qualityReport,
            codecName, crf, bitDepth);
        if (!string.IsNullOrEmpty(uploadId))
        {
            return await UploadSubmission.SubmitAsync(uploadId, form["fileName"].FirstOrDefault(), template, codec, grains, store, queue, options.Value,
                claims, logger);
        }

        var extension = file!.Extension;
        var uploaded = file.Path;
        VideoInfo video;
        try
        {
            video = await VideoProbe.ProbeAsync(uploaded, cancellationToken);
        }
        catch (InvalidVideoException invalid)
        {
            return Problem(StatusCodes.Status422UnprocessableEntity, "Not a decodable video", invalid.Message);
        }

        if (OutputRefusal(video, scale, codec) is { } refused)
        {
            return refused;
        }

        // The upload is whole: from here a client that goes away no longer stops the submission, neither while it
        // waits for its turn (bounded by the claim's own wait) nor half-way (the queue's own timeouts bound the
        // publish), and anything short of a confirmed publish removes what was stored (unless the claim was lost, and
        // with it what is stored), so no job is left reading PENDING with no message behind it. A fresh id is this request's alone; a keyed one may be another
        // request's too, on this replica or another.
        var claim = keyed ? await claims.TryEnterAsync(id) : null;
        await using var held = claim;
        if (keyed && claim is null)
        {
            return SubmissionBusy();
        }

        if (keyed && await QueuedRequest.FindAsync(id, grains, store, CancellationToken.None) is { } made)
        {
            // A request with the same key got here first and made the job while this upload was read.
            return await AnswerWithAsync(made, claim!, queue);
        }

        if (claim is not null && !await claim.ConfirmAsync())
        {
            // Another request with the key holds the claim now and stores or finds the job itself.
            return SubmissionBusy();
        }

        var sourceKey = $"jobs/{id:N}/source{extension}";
        var request = template with { JobId = id, SourceKey = sourceKey, FileName = UploadName(file.FileName, extension), SubmittedAt = DateTimeOffset.UtcNow };
        if (await StoreAndPublishAsync(request, () => store.PutFileAsync(request.SourceKey, uploaded, CancellationToken.None), claim, store, queue, logger)
            is { } failed)
        {
            return failed;
        }

        logger.LogInformation("Accepted job {Job} for {File} ({Bytes} bytes)", id, file.FileName, file.Length);
        return TypedResults.Accepted($"/v1/jobs/{id}", new SubmitResponse(id, JobView.StatusName(JobStatus.Pending)));
    }

    private static async Task<Results<Ok<JobView>, ProblemHttpResult>> GetAsync(Guid id, IGrainFactory grains, IObjectStore store, CancellationToken cancellationToken)
    {
        var job = await QueuedRequest.FindJobAsync(id, grains, store, cancellationToken);
        return job is null ? NotFound(id) : TypedResults.Ok(JobView.From(job));
    }

    private static async Task<IResult> GetEventsAsync(
        Guid id, IClusterClient client, IObjectStore store, IOptions<ApiOptions> options, CancellationToken cancellationToken)
    {
        var job = await QueuedRequest.FindJobAsync(id, client, store, cancellationToken);
        if (job is null)
        {
            return NotFound(id);
        }

        // A job that has ended (or can never start) has nothing more to report: its state is the whole feed.
        var events = job.Status.IsTerminal() ? new[] { JobEvent.From(job) }.ToAsyncEnumerable() : JobEventFeed.ReadAsync(client, store, id, options.Value.EventRecheckInterval, cancellationToken);
        return TypedResults.ServerSentEvents(events.Select(JobEventView.From), eventType: "progress");
    }

    private static async Task<Results<Ok<JobView>, ProblemHttpResult>> CancelAsync(Guid id, IGrainFactory grains, IObjectStore store, CancellationToken cancellationToken)
    {
        var job = await QueuedRequest.FindJobAsync(id, grains, store, cancellationToken);
        if (job is null)
        {
            return NotFound(id);
        }

        return TypedResults.Ok(JobView.From(job.Status.IsTerminal() ? job : await grains.GetGrain<IJobGrain>(id).Cancel()));
    }

    private static async Task<IResult> GetOutputAsync(
        Guid id, IGrainFactory grains, IObjectStore store, IOptions<ApiOptions> options, CancellationToken cancellationToken)
    {
        var job = await QueuedRequest.FindJobAsync(id, grains, store, cancellationToken);
        if (job is null)
        {
            return NotFound(id);
        }

        if (job.Status != JobStatus.Completed || job.OutputKey is null)
        {
            return Problem(StatusCodes.Status409Conflict, "Output not ready",
                job.Status == JobStatus.Failed
                    ? $"Job {id} failed and has no output: {job.Error}"
                    : $"Job {id} is {JobView.StatusName(job.Status)}; the output is available once it is COMPLETED.");
        }

        var extension = Path.GetExtension(job.OutputKey);
        var name = $"{Path.GetFileNameWithoutExtension(job.Request?.FileName ?? "video")}-x{job.Request?.Scale}{extension}";
        var contentType = ObjectKey.ContentType(job.OutputKey);
        if (options.Value.RedirectDownloads && store is IPresigningObjectStore presigning)
        {
            // Large files go straight from the object store to the client; the API only signs the URL, which also
            // carries the name and type a streamed download has.
            var disposition = new ContentDispositionHeaderValue("attachment");
            disposition.SetHttpFileName(name);
            var headers = new DownloadHeaders(contentType, disposition.ToString());
            return TypedResults.Redirect((await presigning.PresignGetAsync(job.OutputKey, options.Value.DownloadUrlLifetime, headers, cancellationToken)).ToString());
        }

        var stream = await store.OpenReadAsync(job.OutputKey, cancellationToken);
        if (stream is null)
        {
            return Problem(StatusCodes.Status410Gone, "Output no longer stored", $"The output of job {id} was removed from the object store.");
        }

        // A completed job's output never changes, so its job id is its entity tag: a client resumes a cut download with
        // If-Range, and a Range whose If-Range names anything else gets the whole file.
        return TypedResults.File(stream, contentType, name, job.CompletedAt, new EntityTagHeaderValue($"\"{id:N}\""), enableRangeProcessing: true);
    }

    /// <summary>
    /// Stores the job's source (<paramref name="storeSource"/> writes <c>request.SourceKey</c>: an upload of a posted file,
    /// or a copy inside the store) and its request, and publishes it; null when the job is queued. Anything short of a
    /// confirmed publish removes what was stored under the job id, unless the grain does not confirm <paramref name="claim"/>
    /// then (lost meanwhile, what is stored is the claim's new holder's, or its answer's), or the broker may have queued
    /// a keyed request's message without answering (the key's retry publishes the stored request again).
    /// </summary>
    internal static async Task<ProblemHttpResult?> StoreAndPublishAsync(SubmitJob request, Func<Task> storeSource, SubmissionClaim? claim,
        IObjectStore store, IJobQueue queue, ILogger logger)
    {
        var settled = false;
        try
        {
            await storeSource();
            await QueuedRequest.SaveAsync(store, request, CancellationToken.None);
            await queue.PublishAsync(request, CancellationToken.None);
            settled = true;
            return null;
        }
        catch (JobQueueUnavailableException unavailable) when (unavailable.MayHaveBeenQueued && claim is not null)
        {
            // The broker may hold the message though it never confirmed it: removing the source would fail that job.
            // What is stored stays, and the retry the answer asks for, with the same key, publishes the stored request
            // again and answers with the job (a consumer given it twice makes one job).
            settled = true;
            logger.LogWarning("The publish of job {Job} had no answer from the broker; its stored request is kept for the client's retry", request.JobId);
            return QueueUnavailable(unavailable);
        }
        catch (JobQueueUnavailableException unavailable)
        {
            return QueueUnavailable(unavailable);
        }
        finally
        {
            // Asked of the grain, not only of the renewals, which notice a loss late: what is stored may be another's now.
            if (!settled && claim is not null && !await claim.ConfirmAsync())
            {
                logger.LogWarning("The publish of job {Job} failed after its submission claim was lost; what is stored under the job id is left to the request that holds the claim now", request.JobId);
            }
            else if (!settled)
            {
                await store.DeletePrefixAsync(JobKeys.Prefix(request.JobId), CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// Answers a keyed request, holding the key's claim, with the job it found. A job known only from its stored request
    /// may have no message behind it (the request that stored it lost its claim, and then its publish failed, so it
    /// deleted nothing), so it is published again before the answer: a consumer given it twice makes one job.
    /// </summary>
    internal static async Task<Results<Accepted<SubmitResponse>, ProblemHttpResult>> AnswerWithAsync(FoundJob found, SubmissionClaim claim, IJobQueue queue)
    {
        if (found.StoredRequest is { } stored)
        {
            if (!await claim.ConfirmAsync())
            {
                // The request that holds the claim now may be storing that request, or removing it after a failed publish.
                return SubmissionBusy();
            }

            try
            {
                await queue.PublishAsync(stored, CancellationToken.None);
            }
            catch (JobQueueUnavailableException unavailable)
            {
                // What is stored stays: another request may have been told of the job, and a retry publishes it again.
                return QueueUnavailable(unavailable);
            }
        }

        return AcceptedAs(found.Job);
    }

    internal static ProblemHttpResult QueueUnavailable(JobQueueUnavailableException unavailable) =>
        Problem(StatusCodes.Status503ServiceUnavailable, "Job queue unavailable", $"{unavailable.Message} Try again shortly.");

    internal static Accepted<SubmitResponse> AcceptedAs(JobSnapshot job) =>
        TypedResults.Accepted($"/v1/jobs/{job.Id}", new SubmitResponse(job.Id, JobView.StatusName(job.Status)));

    internal static ProblemHttpResult SubmissionBusy() =>
        Problem(StatusCodes.Status503ServiceUnavailable, "Submission in progress",
            "Another request with this Idempotency-Key (or uploadId) is storing or publishing its job. Try again shortly: the retry answers with that job.");

    private static ProblemHttpResult NotFound(Guid id) =>
        Problem(StatusCodes.Status404NotFound, "Job not found", $"No job has the id {id}.");

    internal static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);

    /// <summary>Why the output of <paramref name="video"/> at <paramref name="scale"/> cannot be encoded with <paramref name="codec"/>; null when it can.</summary>
    internal static ProblemHttpResult? OutputRefusal(VideoInfo video, int scale, OutputCodec codec) =>
        Math.Max(video.Width, video.Height) * scale > MaxEncodedSide ? OutputTooLarge(video, scale)
        : codec.SizeRefusal(video.Width * scale, video.Height * scale) is { } refusal
            ? Problem(StatusCodes.Status422UnprocessableEntity, "Output too small for the codec", $"{refusal}.")
            : null;

    private static ProblemHttpResult OutputTooLarge(VideoInfo video, int scale)
    {
        var side = Math.Max(video.Width, video.Height);
        var largest = Scales.Where(s => side * s <= MaxEncodedSide).DefaultIfEmpty().Max();
        return Problem(StatusCodes.Status422UnprocessableEntity, "Output too large to encode",
            $"The video is {video.Width}x{video.Height}; at x{scale} the output would be {video.Width * scale}x{video.Height * scale}, " +
            $"and the encoders take at most {MaxEncodedSide} pixels a side. " +
            (largest > 0 ? $"The largest scale allowed for this video is x{largest}." : "So no scale is possible for this video; send a smaller one."));
    }

    internal static ProblemHttpResult TooLarge(ApiOptions options) =>
        Problem(StatusCodes.Status413PayloadTooLarge, "Upload too large",
            $"The upload is larger than {options.MaxUploadBytes} bytes, the most this service takes (Vsr:Api:MaxUploadBytes).");

    // HasFormContentType also admits urlencoded forms, which cannot carry a file.
    private static bool IsMultipartFormData(HttpRequest http) =>
        MediaTypeHeaderValue.TryParse(http.ContentType, out var type) && type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase);


    // A blank or path-only name ("x/", " ") is no reason to refuse a good video, but no queue consumer accepts it.
    internal static string UploadName(string fileName, string extension)
    {
        // A Windows client may send its whole path ("C:\Users\me\clip.mp4"); only the last part is the name.
        var name = Path.GetFileName(fileName.Trim().Replace('\\', '/')).Trim();
        return name.Length > 0 ? name : "video" + (extension == UnknownExtension ? "" : extension);
    }

    internal static string SafeExtension(string fileName)
    {
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        return extension.Length is > 1 and <= 6 && extension.Skip(1).All(char.IsAsciiLetterOrDigit) ? extension : UnknownExtension;
    }

    // An absent switch is off; present, it must say true or false (1/0, on/off and yes/no too, as HTML forms send).
    /// <summary>The strength <c>sharpen=true</c> asks for.</summary>
    public const double DefaultSharpen = 0.5;

    private static bool TryReadSharpen(IFormCollection form, out double value)
    {
        var text = form["sharpen"].FirstOrDefault()?.Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            return SubmitJob.IsSharpenStrength(value);
        }

        var known = TryReadSwitch(form, "sharpen", out var on);
        value = on ? DefaultSharpen : 0;
        return known;
    }

    /// <summary>The field's trimmed text; null when it is absent or blank.</summary>
    private static string? Text(IFormCollection form, string name) =>
        form[name].FirstOrDefault()?.Trim() is { Length: > 0 } text ? text : null;

    private static bool TryReadSwitch(IFormCollection form, string name, out bool value)
    {
        var text = form[name].FirstOrDefault()?.Trim().ToLowerInvariant();
        (var known, value) = text switch
        {
            null or "" or "false" or "0" or "off" or "no" => (true, false),
            "true" or "1" or "on" or "yes" => (true, true),
            _ => (false, false),
        };
        return known;
    }
}
