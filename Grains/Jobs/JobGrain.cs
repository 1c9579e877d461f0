using Orleans.Storage;
using Orleans.Streams;
using Vsr.Engine.Media;
using Vsr.Grains.Hosting;
using Vsr.Grains.Inference;
using Vsr.Grains.Intake;
using Vsr.Grains.Webhooks;
using Vsr.Queue;
using Vsr.Storage;

namespace Vsr.Grains.Jobs;

/// <summary>
/// Owns one job from submission to a terminal state. The work runs as a background loop on this activation;
/// requests (status, progress reports) interleave with it at its awaits. If the activation is lost while the job
/// is unfinished, the next activation resumes from the persisted chunk ledger; a reminder held while the job is
/// unfinished makes sure there is a next activation even after the whole cluster restarted. A job submitted with a
/// callback URL reports its end there (<see cref="WebhookSender"/>), retried until delivered or given up; the reminder
/// stays held until then, for the same reason.
/// </summary>
public sealed class JobGrain(
    [PersistentState(stateName: JobGrain.StateName, storageName: JobGrain.StorageName)] IPersistentState<JobState> state,
    ChunkDispatcher dispatcher,
    DeviceDirectory directory,
    ChunkBacklog backlog,
    QualityGainMeter qualityGains,
    ModelChooser chooser,
    SourceCopies sources,
    IObjectStore store,
    ILocalSiloDetails localSilo,
    IOptions<NodeOptions> node,
    IOptions<JobOptions> options,
    WebhookSender webhooks,
    IOptions<WebhookOptions> webhookOptions,
    ILogger<JobGrain> logger) : Grain, IJobGrain, IRemindable
{
    public const string StorageName = "jobStore";
    public const string StateName = "job";
    private const string ResumeReminder = "resume";
    private static readonly TimeSpan ProgressEventInterval = TimeSpan.FromMilliseconds(250);

    private readonly Dictionary<int, int> _runningFrames = [];
    private readonly CancellationTokenSource _callbackStop = new();
    private CancellationTokenSource? _stop;
    private Task? _run;
    private Task? _callback;
    private bool _ending;

    // While an end is being saved: the state it replaces, which snapshots show until the end is durable.
    private (JobStatus Status, string? Error, DateTimeOffset? CompletedAt, WebhookDelivery? Webhook)? _beforeEnd;
    private bool _callbackUnsaved;
    private (bool Done, string? SourceKey) _cleanedUp;
    private bool _cancelRequested;
    private bool _reminderHeld;
    private DateTimeOffset _lastProgressEvent;

    /// <summary>The last snapshot's revision: wall-clock ticks, one more than the last where the clock has not moved on.</summary>
    private long _revision;
    private JobStatus _listed;
    private Task? _listing;
    private readonly CancellationTokenSource _listingStop = new();

    private JobState Job => state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Job.Status is JobStatus.Pending or JobStatus.Processing && Job.Request is not null)
        {
            logger.LogInformation("Job {Job} resumes in state {Status}", this.GetPrimaryKey(), Job.Status);
            StartRun();
        }

        // After a restart with in-memory reminders (FileSystem state) the reminder of a pending callback is gone: hold it again.
        await HoldReminderWhileCallbackPendingAsync();
        StartCallback();
        // Once per activation, so a change the list missed (or a job older than the list) is listed when the job is next read.
        StartListing();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_stop is not null && _run is not null)
        {
            await _stop.CancelAsync();
            await _run.WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Current);
        }

        // A recording waiting to be tried again gives way to the next activation's own.
        await _listingStop.CancelAsync();
        if (_callback is not null)
        {
            // A callback still pending is picked up again by the next activation or the reminder.
            await _callbackStop.CancelAsync();
            await _callback.WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Current);
        }

    }

    async ValueTask<JobSnapshot> IJobGrain.Submit(JobRequest request)
    {
        if (_ending)
        {
            // Delivered again while the job's end is being saved: whether it ends is not known yet, so nothing is cleaned
            // up or let go here (the reminder above all); the submission's message is answered, and the end settles it.
            return Snapshot();
        }

        if (Job.Status == JobStatus.None)
        {
            Job.Status = JobStatus.Pending;
            Job.Request = request;
            Job.CreatedAt = DateTimeOffset.UtcNow;
            try
            {
                await state.WriteStateAsync();
            }
            catch
            {
                // Not saved, as far as this activation knows: the queue delivers the submission again, which must find
                // the job unknown and save it then. The write may have landed all the same (its answer lost), so the next
                // delivery reads the stored state afresh, in a new activation.
                (Job.Status, Job.Request, Job.CreatedAt) = (JobStatus.None, null, null);
                DeactivateOnIdle();
                throw;
            }

            logger.LogInformation("Job {Job} accepted: {File} x{Scale}, model {Model}, content {Content}", this.GetPrimaryKey(), request.FileName, request.Scale,
                request.Model ?? "(by content)", request.Content);
            StartListing();
        }
        else if (IsEnded && Job.Request is null)
        {
            // Cancelled while queued: only this late submission says what the job was (its file, scale, codec, …), and
            // names the callback that tells of the cancel.
            (Job.Request, Job.Webhook) = (request, request.CallbackUrl is null ? null : new WebhookDelivery(WebhookStatus.Pending, 0, null, null));
            try
            {
                await state.WriteStateAsync();
            }
            catch
            {
                // Not saved: the queue delivers the submission again, and it finds the job as it was.
                (Job.Request, Job.Webhook) = (null, null);
                throw;
            }
        }

        if (IsEnded)
        {
            // Cancelled while queued, or the submission of an ended job delivered again: its upload is not needed (only a
            // late submission names it), and a callback still pending goes on. All of it is idempotent.
            await HoldReminderWhileCallbackPendingAsync();
            await CleanUpAsync(request.SourceKey);
            StartCallback();
        }

        // Also for a job already known: a redelivered submission may follow one that saved PENDING and then failed
        // before the reminder was held or the run started; both steps are idempotent.
        if (!IsEnded && Job.Request is not null)
        {
            // Held until the job ends: if every silo stops before then, the reminder brings the job back.
            await HoldReminderAsync();
            // The run may have ended the job while the reminder was registered: an ended job starts nothing.
            if (!IsEnded)
            {
                StartRun();
            }
        }

        return Snapshot();
    }

    ValueTask<JobSnapshot> IJobGrain.GetSnapshot() => ValueTask.FromResult(Snapshot());

    async ValueTask<JobSnapshot> IJobGrain.FailSubmission(JobRequest request, string reason, DateTimeOffset submittedAt, DateTimeOffset failedAt)
    {
        if (IsEnded && Job.Request is null)
        {
            // Cancelled while queued: the dead letter is the only submission there will be, so it names the callback
            // and the upload, as a late submission does.
            return await ((IJobGrain)this).Submit(request);
        }

        if (Job.Status != JobStatus.None)
        {
            if (!IsEnded && Job.Request is not null)
            {
                // Saved PENDING, and then every delivery failed later (the reminder could not be held): no delivery comes
                // again, so the run starts here, and the reminder is held if it can be now.
                StartRun();
                try
                {
                    await HoldReminderAsync();
                }
                catch (Exception e)
                {
                    logger.LogWarning(e, "Job {Job} runs without its resume reminder, which could not be registered", this.GetPrimaryKey());
                }
            }

            return Snapshot();
        }

        (Job.Request, Job.CreatedAt) = (request, submittedAt);
        try
        {
            await EndAsync(JobStatus.Failed, reason, failedAt);
        }
        catch
        {
            (Job.Request, Job.CreatedAt) = (null, null);
            throw;
        }

        // Held until the callback is delivered or given up, as for any ended job.
        await HoldReminderWhileCallbackPendingAsync();
        logger.LogWarning("Job {Job} ended FAILED before it started: its submission was given up on", this.GetPrimaryKey());
        return Snapshot();
    }

    async ValueTask<JobSnapshot> IJobGrain.Cancel()
    {
        if (IsEnded && !_ending)
        {
            return Snapshot();
        }

        // While the run saves its end (_ending), the cancel waits for the run below: if that save holds, the job ended as
        // the run says; if it fails, the stopped run ends the job cancelled instead of trying its end again.
        _cancelRequested = true;

        if (Job.Status == JobStatus.None)
        {
            // Cancelled while still queued: the record stays, so the queued submission finds it and does nothing.
            Job.CreatedAt = DateTimeOffset.UtcNow;
            await EndAsync(JobStatus.Cancelled, "Cancelled at the user's request before it started.");
            return Snapshot();
        }

        if (_run is { IsCompleted: false } && _stop is not null)
        {
            await _stop.CancelAsync();
            await _run;
        }

        // Also when the run's own end could not be saved: the user asked, so the job ends here or the call fails (and
        // a run the reminder starts later ends it cancelled, as asked).
        try
        {
            await EndAsync(JobStatus.Cancelled, "Cancelled at the user's request.");
        }
        catch (InconsistentStateException)
        {
            // The stored state moved on without this activation: the next one reads it (and a retried cancel acts on it).
            DeactivateOnIdle();
            throw;
        }

        return Snapshot();
    }

    async ValueTask IJobGrain.ReportChunkProgress(int chunkIndex, int framesDone)
    {
        if (chunkIndex >= 0 && chunkIndex < Job.Chunks.Count && Job.Chunks[chunkIndex].Status == ChunkStatus.Running)
        {
            _runningFrames[chunkIndex] = Math.Min(framesDone, Job.Chunks[chunkIndex].FrameCount);
            if (DateTimeOffset.UtcNow - _lastProgressEvent >= ProgressEventInterval)
            {
                await PublishAsync();
            }
        }
    }

    async Task IRemindable.ReceiveReminder(string reminderName, TickStatus status)
    {
        if (Job.Status is JobStatus.Pending or JobStatus.Processing && Job.Request is not null)
        {
            StartRun();
        }
        else if (_ending)
        {
            // The run is saving the end right now; it cleans up and reports when the save holds.
        }
        else if (IsEnded)
        {
            await CleanUpAsync(Job.Request?.SourceKey);
            StartCallback();
        }
        else
        {
            await ForgetReminderAsync();
        }
    }

    private void StartRun()
    {
        if (_run is { IsCompleted: false })
        {
            return;
        }

        _stop = new CancellationTokenSource();
        _run = RunAsync(_stop.Token);
    }

    /// <summary>
    /// Runs the job until it ends or pauses. Only a <see cref="JobFailedException"/> or the user's cancel ends it; any
    /// other error (storage, database, network) keeps the job PROCESSING with its ledger and stored chunks, and the
    /// run starts again from the ledger after a growing delay, at most <see cref="JobOptions.InternalRetryLimit"/> times
    /// in a row.
    /// </summary>
    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var jobId = this.GetPrimaryKey();
        try
        {
            await RunUntilEndOrPauseAsync(jobId, cancellationToken);
        }
        finally
        {
            backlog.Remove(jobId);
        }
    }

    private async Task RunUntilEndOrPauseAsync(Guid jobId, CancellationToken cancellationToken)
    {
        if (_cancelRequested)
        {
            // The user's cancel, whose save failed: the job does not run again, it ends as asked.
            await TryEndAsync(jobId, JobStatus.Cancelled, "Cancelled at the user's request.");
            return;
        }

        var (errors, doneAtLastError) = (0, -1);
        while (true)
        {
            (JobStatus Status, string Reason)? end;
            try
            {
                await RunOnceAsync(jobId, cancellationToken);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                end = CancelledOrPaused(jobId);
            }
            catch (JobFailedException failure)
            {
                logger.LogWarning(failure, "Job {Job} failed: {Reason}", jobId, failure.Message);
                end = (JobStatus.Failed, failure.Message);
            }
            catch (InconsistentStateException stale)
            {
                // The stored state moved on without this activation (a write whose answer was lost, another writer):
                // every write from this copy would fail. The next activation reads the stored state and resumes from it.
                logger.LogWarning(stale, "Job {Job}: its stored state changed under this activation; it deactivates and resumes from the stored state", jobId);
                DeactivateOnIdle();
                return;
            }
            catch (Exception unexpected)
            {
                // Errors count "in a row" while no chunk finishes between them.
                var done = Job.Chunks.Count(c => c.Status == ChunkStatus.Done);
                (errors, doneAtLastError) = (done > doneAtLastError ? 1 : errors + 1, done);
                if (errors > options.Value.InternalRetryLimit)
                {
                    logger.LogError(unexpected, "Job {Job} gave up after {Count} internal errors in a row", jobId, errors);
                    end = (JobStatus.Failed, $"The job stopped after {errors} internal errors in a row (Vsr:Jobs:InternalRetryLimit is " +
                        $"{options.Value.InternalRetryLimit}); the last was: {unexpected.Message}. Check that the object store and the " +
                        "database are reachable, then submit the video again.");
                }
                else
                {
                    var delay = RetryDelay(errors);
                    logger.LogError(unexpected, "Job {Job} hit an internal error ({Count} in a row); it keeps its ledger and runs again in {Delay}",
                        jobId, errors, delay);
                    if (await DelayAsync(delay, cancellationToken))
                    {
                        continue;
                    }

                    end = CancelledOrPaused(jobId);
                }
            }

            if (end is { } ending)
            {
                await TryEndAsync(jobId, ending.Status, ending.Reason);
            }
            else
            {
                await TrySavePauseAsync(jobId);
            }

            return;
        }
    }

    /// <summary>An end that could not be saved leaves the job unfinished: its reminder runs it again, or the user's cancel ends it.</summary>
    private async Task TryEndAsync(Guid jobId, JobStatus status, string reason)
    {
        try
        {
            await EndAsync(status, reason);
        }
        catch (InconsistentStateException stale)
        {
            // As in the run: this copy can never be saved again; the next activation resumes from the stored state, which
            // may already hold this very end (a write whose answer was lost).
            logger.LogWarning(stale, "Job {Job}: its stored state changed under this activation before {Status} was saved; it deactivates and resumes from the stored state",
                jobId, status);
            DeactivateOnIdle();
        }
        catch (Exception e)
        {
            logger.LogError(e, "Job {Job} could not be saved as {Status}; it stays {Current} until its reminder runs it again", jobId, status, Job.Status);
        }
    }

    /// <summary>A cancelled run is the user's cancel (the job ends) or a pause (it resumes from its ledger later).</summary>
    private (JobStatus, string)? CancelledOrPaused(Guid jobId)
    {
        if (_cancelRequested)
        {
            return (JobStatus.Cancelled, "Cancelled at the user's request.");
        }

        logger.LogInformation("Job {Job} paused by deactivation; it resumes from its ledger", jobId);
        return null;
    }

    /// <summary>
    /// Saves the ledger of a paused job, whose stopped chunks got their attempts back; when the save fails the next
    /// activation finds them still running and counts the attempt, as after a lost silo.
    /// </summary>
    private async Task TrySavePauseAsync(Guid jobId)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Job {Job} paused without saving its ledger", jobId);
        }
    }

    /// <summary>Waits before the next run; false when the job was cancelled or paused meanwhile.</summary>
    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            KeepAlive();
            await Task.Delay(delay, cancellationToken);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Doubles from <see cref="JobOptions.InternalRetryDelay"/>, never beyond the resume reminder's period.</summary>
    private TimeSpan RetryDelay(int errorsInARow)
    {
        var first = options.Value.InternalRetryDelay;
        return Backoff.Doubling(first, errorsInARow, first > options.Value.ResumeCheckPeriod ? first : options.Value.ResumeCheckPeriod);
    }

    private async Task RunOnceAsync(Guid jobId, CancellationToken cancellationToken)
    {
        var scratch = Path.Combine(Path.GetFullPath(node.Value.WorkDirectory), "jobs", jobId.ToString("N"));
        Directory.CreateDirectory(scratch);
        try
        {
            KeepAlive();
            if (!_reminderHeld)
            {
                // A job resumed by an activation (a GET, a silo's start-up scan) holds its reminder again too, so it
                // comes back should this silo die before the job ends.
                await HoldReminderAsync();
            }

            var request = Job.Request!;
            await using var source = await GetSourceAsync(request, cancellationToken);
            var video = await ProbeSourceAsync(source.Path, cancellationToken);
            CheckEncoding(request, video);
            if (Job.Choice is null || Job.Encoding is null)
            {
                Job.Choice ??= await chooser.ChooseAsync(request, source.Path, video, cancellationToken);
                // Settled once from this silo's settings, with the models: a rolling change of Vsr:Jobs, or silos set
                // apart, cannot encode the chunks of one job differently.
                Job.Encoding ??= ChunkDispatcher.SettingsFor(request, options.Value);
                await state.WriteStateAsync();
            }

            if (Job.Status == JobStatus.Pending || Job.Chunks.Count == 0)
            {
                await PlanAsync(video);
            }

            // Chunks still marked running when the job last stopped: a pause settles its chunks with their attempts
            // given back before it saves, so these were cut short by a lost activation or a dead silo. One whose silo is
            // still in the cluster was cut short by this job's own activation, not by its work: its attempt is given
            // back. One whose silo is gone keeps the attempt, and one whose every attempt ended so fails the job: a chunk
            // that brings its silo down (a native crash, an out-of-memory kill) must not restart it for ever.
            var liveSilos = directory.ActiveDeviceKeys().Select(d => DeviceKey.Split(d).Silo).ToHashSet(StringComparer.Ordinal);
            var cutShort = Job.Chunks.Where(c => c.Status == ChunkStatus.Running).ToList();
            // A call from a lost activation runs on where its silo lives (a dead caller cancels nothing): it is stopped
            // before the chunk is sent again, so it neither holds the device nor uploads a chunk after the job has ended.
            await dispatcher.StopJobAsync(jobId, cutShort.Where(c => c.Silo is { } silo && liveSilos.Contains(silo)).Select(c => c.Device).OfType<string>());
            foreach (var chunk in cutShort)
            {
                Job.Chunks[chunk.Index] = chunk.Silo is { } silo && liveSilos.Contains(silo) ? ChunkDispatcher.ReturnAttempt(chunk)
                    : chunk.Attempts >= options.Value.MaxAttempts
                        ? chunk with { Status = ChunkStatus.Failed, LastError = $"its silo stopped during each of its {chunk.Attempts} attempts" }
                        : chunk with { Status = ChunkStatus.Pending };
            }

            // A chunk that used its last attempt fails the job; found here when the end could not be saved the last time
            // (the run would otherwise wait for it for ever: only pending chunks are started).
            if (Job.Chunks.FirstOrDefault(c => c.Status == ChunkStatus.Failed) is { } failed)
            {
                throw ChunkDispatcher.Failed(failed);
            }

            CountBacklog();
            // Measured beside the chunks (it queues for its device like one), so the report is usually there before
            // they end; it is saved with the ledger's next write, or below. Assembly waits for it.
            using var stopMeasuring = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var measuring = request.QualityReport && Job.Quality is null ? MeasureQualityAsync(jobId, request, stopMeasuring.Token) : null;
            try
            {
                await dispatcher.RunAsync(jobId, request, Job, SaveProgressAsync, cancellationToken);
            }
            catch when (measuring is not null)
            {
                await stopMeasuring.CancelAsync();
                await measuring.ContinueWith(_ => { }, TaskScheduler.Current);
                throw;
            }

            if (measuring is not null)
            {
                KeepAlive();
                await measuring;
                // Stopped on its device while the job went on (its silo shut down): say so rather than report nothing.
                Job.Quality ??= new QualityReport(Job.Choice!.Model, request.Scale,
                    Error: "Not measured: the measurement was stopped on its device (its silo shut down).");
                await state.WriteStateAsync();
            }

            await AssembleAsync(jobId, source.Path, video, scratch, cancellationToken);
        }
        finally
        {
            _runningFrames.Clear();
            TryDelete(scratch);
        }
    }

    /// <summary>
    /// Measures the job's upscaler on its own frames (<see cref="QualityReport"/>) and puts the report on the job (in
    /// memory; the caller saves it). It runs on one of the cluster's devices (<see cref="PickMeasuringDevice"/>), waiting for
    /// a device to join as long as the job's chunks do. It only informs: a measurement that fails is reported in the report's error, and the job goes on. When
    /// the job stops first (cancel, pause, failure), the device is told to stop the measurement, as the dispatcher stops
    /// chunks, and a paused job, or one that runs again after an internal error, measures again.
    /// </summary>
    private async Task MeasureQualityAsync(Guid jobId, JobRequest request, CancellationToken cancellationToken)
    {
        var model = Job.Choice!.Model;
        var deadline = DateTimeOffset.UtcNow + options.Value.NoDeviceTimeout;
        var device = PickMeasuringDevice(jobId);
        while (device is null && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            device = PickMeasuringDevice(jobId);
        }

        QualityReport report;
        if (device is null)
        {
            report = new QualityReport(model, request.Scale, Error: "No inference device was in the cluster to measure on.");
        }
        else
        {
            try
            {
                var probe = new QualityProbe(jobId, request.SourceKey, model, request.Scale, options.Value.QualitySampleFrames);
                report = await GrainFactory.GetGrain<IInferenceGrain>(device).MeasureQuality(probe, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // A cancelled call returns at once, while the device may still be running it.
                await dispatcher.StopJobAsync(jobId, [device]);
                throw;
            }
            catch (Exception e) when (e is OperationCanceledException or DeviceStoppedException)
            {
                // Stopped by the device's side: the job's own stop of its chunks there (an internal error it will run
                // again after), or the device's silo shutting down. Nothing was measured; a run that goes on says so.
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Job {Job}: its quality report could not be measured on {Device}; the job goes on without it", jobId, device);
                report = new QualityReport(model, request.Scale, Device: device, Error: $"Not measured: {e.GetBaseException().Message}");
            }
        }

        Job.Quality = report;
        qualityGains.Record(report);
        await PublishAsync();
    }

    /// <summary>One of the cluster's devices, chosen by the job id so that the measurements of many jobs spread over them.</summary>
    private string? PickMeasuringDevice(Guid jobId)
    {
        var devices = directory.ActiveDeviceKeys();
        return devices.Count == 0 ? null : devices[(int)(BitConverter.ToUInt32(jobId.ToByteArray(), 0) % (uint)devices.Count)];
    }

    /// <summary>
    /// The API refuses what cannot be encoded; a submission from elsewhere on the queue is checked here, before any chunk
    /// is spent on it.
    /// </summary>
    private static void CheckEncoding(JobRequest request, VideoInfo video)
    {
        if (OutputCodecs.Refusal(request.Codec, request.Crf, request.BitDepth ?? 8) is { } refusal)
        {
            throw new JobFailedException($"The output cannot be encoded as asked: {refusal}.");
        }

        var codec = OutputCodecs.ForJob(request.Codec)!.Value;
        if (codec.SizeRefusal(video.Width * request.Scale, video.Height * request.Scale) is { } tooSmall)
        {
            throw new JobFailedException($"{tooSmall}.");
        }
    }

    /// <summary>The source, held while the job runs; the job's chunks on this silo share the same local copy.</summary>
    private async Task<SourceCopy> GetSourceAsync(JobRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await sources.AcquireAsync(request.SourceKey, releaseAtOnce: true, cancellationToken);
        }
        catch (ObjectNotFoundException missing)
        {
            throw new JobFailedException($"The uploaded source is no longer in the object store ({missing.Key}); submit the video again.", missing);
        }
    }

    private static async Task<VideoInfo> ProbeSourceAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await VideoProbe.ProbeAsync(path, cancellationToken);
        }
        catch (InvalidVideoException invalid)
        {
            throw new JobFailedException($"The source is not a decodable video: {invalid.Message}", invalid);
        }
    }

    private async Task PlanAsync(VideoInfo video)
    {
        var spans = ChunkPlanner.Plan(video, TimeSpan.FromSeconds(options.Value.ChunkSeconds));
        Job.Chunks = spans.Select(span => new ChunkRecord { Index = span.Index, StartFrame = span.StartFrame, FrameCount = span.FrameCount }).ToList();
        Job.Source = Summarize(video, SourceConversions(video));
        Job.Status = JobStatus.Processing;
        Job.StartedAt = DateTimeOffset.UtcNow;
        await state.WriteStateAsync();
        await PublishAsync();
        logger.LogInformation("Job {Job} planned: {Frames} frames in {Chunks} chunks", this.GetPrimaryKey(), video.FrameCount, spans.Count);
    }

    private async Task SaveProgressAsync(IReadOnlyList<int> settledChunks)
    {
        foreach (var chunk in settledChunks)
        {
            _runningFrames.Remove(chunk);
        }

        CountBacklog();
        KeepAlive();
        await state.WriteStateAsync();
        await PublishAsync();
    }

    private void CountBacklog() => backlog.Set(this.GetPrimaryKey(), Job.Chunks.Count(c => c.Status != ChunkStatus.Done));

    private async Task AssembleAsync(Guid jobId, string sourcePath, VideoInfo video, string scratch, CancellationToken cancellationToken)
    {
        var chunkFiles = new List<LocalObject>();
        try
        {
            foreach (var chunk in Job.Chunks)
            {
                chunkFiles.Add(await store.GetLocalAsync(chunk.OutputKey!, scratch, cancellationToken));
            }

            var extension = VideoAssembler.ChooseExtension(video);
            var outputPath = Path.Combine(scratch, "output" + extension);
            var encoded = Job.Chunks
                .Zip(chunkFiles, (c, f) => new EncodedChunk(new ChunkSpan(c.Index, c.StartFrame, c.FrameCount), f.Path))
                .ToList();
            try
            {
                await Task.Run(() => VideoAssembler.AssembleAsync(sourcePath, video, encoded, outputPath, logger, cancellationToken), cancellationToken);
            }
            catch (InvalidDataException wrong)
            {
                // The joined chunks do not make the source's frames: assembling them again would give the same.
                throw new JobFailedException(wrong.Message, wrong);
            }

            var output = await VideoProbe.ProbeAsync(outputPath, cancellationToken);
            if (output.FrameCount != video.FrameCount)
            {
                throw new JobFailedException($"Assembled output has {output.FrameCount} frames but the source has {video.FrameCount}.");
            }

            var outputKey = JobKeys.Output(jobId, extension);
            await store.PutFileAsync(outputKey, outputPath, cancellationToken);

            (Job.OutputKey, Job.Output) = (outputKey, Summarize(output));
            try
            {
                await EndAsync(JobStatus.Completed, error: null);
            }
            catch
            {
                // Not saved COMPLETED: the job is not done, and should it end otherwise, it has no output to offer.
                (Job.OutputKey, Job.Output) = (null, null);
                throw;
            }

            logger.LogInformation("Job {Job} completed: {Frames} frames at {Width}x{Height}", jobId, output.FrameCount, output.Width, output.Height);
        }
        finally
        {
            foreach (var file in chunkFiles)
            {
                await file.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Moves the job to a terminal state, persists it and announces it; then drops what is no longer needed, best
    /// effort: once the terminal state is saved nothing changes it, and a clean-up that failed runs again on the
    /// reminder's next tick. A job already ended stays as it is.
    /// </summary>
    private async Task EndAsync(JobStatus status, string? error, DateTimeOffset? at = null)
    {
        if (IsEnded)
        {
            return;
        }

        var (previousStatus, previousError, previousCompletedAt) = (Job.Status, Job.Error, Job.CompletedAt);
        (Job.Status, Job.Error, Job.CompletedAt) = (status, error, at ?? DateTimeOffset.UtcNow);
        // Saved with the end itself, so the callback cannot be lost between the two.
        var previousWebhook = Job.Webhook;
        Job.Webhook = Job.Request?.CallbackUrl is null ? null : new WebhookDelivery(WebhookStatus.Pending, 0, null, null);
        _ending = true;
        _beforeEnd = (previousStatus, previousError, previousCompletedAt, previousWebhook);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Not saved, so not ended: the run, the reminder or the user's next cancel tries again.
            (Job.Status, Job.Error, Job.CompletedAt, Job.Webhook) = (previousStatus, previousError, previousCompletedAt, previousWebhook);
            throw;
        }
        finally
        {
            (_ending, _beforeEnd) = (false, null);
        }

        await PublishAsync();
        await CleanUpAsync(Job.Request?.SourceKey);
        StartCallback();
    }

    private bool CallbackPending => IsEnded && !_ending && Job.Webhook is { Status: WebhookStatus.Pending };

    private void StartCallback()
    {
        if (!CallbackPending || _callback is { IsCompleted: false })
        {
            return;
        }

        _callback = DeliverCallbackAsync(_callbackStop.Token);
    }

    /// <summary>
    /// POSTs the job's end to its callback URL until the receiver answers 2xx or <see cref="WebhookOptions.MaxAttempts"/>
    /// attempts have failed, waiting <see cref="WebhookOptions.Delays"/> between them; each attempt is saved, so a
    /// new activation goes on from the count it reached. The job's own state never depends on the callback.
    /// </summary>
    private async Task DeliverCallbackAsync(CancellationToken cancellationToken)
    {
        var jobId = this.GetPrimaryKey();
        var settings = webhookOptions.Value;
        while ((CallbackPending || _callbackUnsaved) && !cancellationToken.IsCancellationRequested)
        {
            // The wait after the attempt before, counted from when it was made (it may have been another activation's);
            // after a failed save, the first delay before the save is tried again.
            var attempt = Job.Webhook!.Attempts;
            var delay = _callbackUnsaved ? settings.Delays[0] : attempt > 0 ? settings.Delays[Math.Min(attempt, settings.Delays.Count) - 1] : TimeSpan.Zero;
            var wait = Job.Webhook.LastAttemptAt.GetValueOrDefault() + delay - DateTimeOffset.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                DelayDeactivation(wait + settings.Timeout + TimeSpan.FromMinutes(1));
                try
                {
                    await Task.Delay(wait, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            if (!_callbackUnsaved)
            {
                DelayDeactivation(settings.Timeout + TimeSpan.FromMinutes(1));
                string? failure;
                try
                {
                    failure = await webhooks.SendAsync(Snapshot(), cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    // Counted like any failed attempt, so an unforeseen error cannot retry for ever.
                    logger.LogError(e, "Job {Job}: the callback could not be sent", jobId);
                    failure = "internal error";
                }

                var attempts = attempt + 1;
                var (status, verdict) = failure is null ? (WebhookStatus.Delivered, "delivered")
                    : attempts >= settings.MaxAttempts ? (WebhookStatus.Failed, "given up") : (WebhookStatus.Pending, "to be tried again");
                Job.Webhook = new WebhookDelivery(status, attempts, failure, DateTimeOffset.UtcNow);
                if (failure is null)
                {
                    logger.LogInformation("Job {Job}: callback delivered (attempt {Attempt})", jobId, attempts);
                }
                else
                {
                    logger.LogWarning("Job {Job}: callback attempt {Attempt} of {Max} failed, {Verdict}: {Reason}", jobId, attempts, settings.MaxAttempts, verdict, failure);
                }
            }

            try
            {
                await state.WriteStateAsync();
                _callbackUnsaved = false;
            }
            catch (InconsistentStateException stale)
            {
                // As in the run: this copy can no longer write; the next activation goes on from the stored state (and may
                // send the same webhook-id again).
                logger.LogWarning(stale, "Job {Job}: its stored state changed under this activation; the callback goes on from the stored state", jobId);
                DeactivateOnIdle();
                return;
            }
            catch (Exception e)
            {
                // The outcome stands in memory, and only its save is tried again after the first delay; the reminder stays
                // held meanwhile, since storage still says PENDING.
                logger.LogWarning(e, "Job {Job}: the callback's progress could not be saved; the save is tried again", jobId);
                Job.Webhook = Job.Webhook with { LastAttemptAt = DateTimeOffset.UtcNow };
                _callbackUnsaved = true;
            }
        }

        if (IsEnded && !CallbackPending && !_callbackUnsaved)
        {
            // Nothing left to report, and that is saved: the reminder can go once the clean-up's own work is done too.
            await CleanUpAsync(Job.Request?.SourceKey);
        }
    }

    private bool IsEnded => Job.Status.IsTerminal();

    /// <summary>
    /// Deletes the ended job's objects but its output (the upload, the queued request, the chunks) and then forgets the
    /// reminder; when something fails it logs and keeps the reminder, whose next tick tries again.
    /// </summary>
    private async Task CleanUpAsync(string? sourceKey)
    {
        var prefix = JobKeys.Prefix(this.GetPrimaryKey());
        try
        {
            if (_cleanedUp == (true, sourceKey))
            {
                // Done by this activation already (a pending callback keeps the reminder ticking): only the reminder is left.
                if (!CallbackPending && !_callbackUnsaved)
                {
                    await ForgetReminderAsync();
                }

                return;
            }

            await store.DeletePrefixAsync(prefix + "chunks/", CancellationToken.None);
            // The API's copy of the submission: it reads it only while the grain has no state, which is over now.
            await store.DeletePrefixAsync(JobKeys.Request(this.GetPrimaryKey()), CancellationToken.None);
            // A dead-lettered submission that was replayed and ran after all: its failure record is stale.
            await store.DeletePrefixAsync(IntakeFailure.Key(this.GetPrimaryKey()), CancellationToken.None);
            if (sourceKey is not null && JobKeys.BelongsTo(sourceKey, this.GetPrimaryKey()) && sourceKey != Job.OutputKey)
            {
                await store.DeletePrefixAsync(sourceKey, CancellationToken.None);
            }

            if (Job.Status != JobStatus.Completed)
            {
                // An output stored before the end could not be saved COMPLETED, and the job then ended otherwise. (A
                // prefix deletes the key itself and what lies under it as a folder, so each container is named.)
                foreach (var extension in JobKeys.OutputExtensions)
                {
                    await store.DeletePrefixAsync(JobKeys.Output(this.GetPrimaryKey(), extension), CancellationToken.None);
                }
            }

            _cleanedUp = (true, sourceKey);
            if (!CallbackPending && !_callbackUnsaved)
            {
                await ForgetReminderAsync();
            }
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Clean-up of ended job {Job} failed; the job stays {Status} and the clean-up is tried again on its reminder's next tick",
                this.GetPrimaryKey(), Job.Status);
            // A job that ended without a run (cancelled while queued, a dead letter) and has no callback pending holds no
            // reminder yet: without one, its upload would stay for ever.
            try
            {
                await HoldReminderAsync();
            }
            catch (Exception reminder)
            {
                logger.LogWarning(reminder, "Job {Job}: the reminder that retries its clean-up could not be registered", this.GetPrimaryKey());
            }
        }
    }

    /// <summary>Best effort: without the reminder the callback still goes on while this activation lives.</summary>
    private async Task HoldReminderWhileCallbackPendingAsync()
    {
        if (!CallbackPending)
        {
            return;
        }

        try
        {
            await HoldReminderAsync();
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Job {Job}: the reminder of its pending callback could not be registered", this.GetPrimaryKey());
        }
    }

    /// <summary>Registers the resume reminder (idempotent): held while the job is unfinished or its callback pending.</summary>
    private async Task HoldReminderAsync()
    {
        await this.RegisterOrUpdateReminder(ResumeReminder, options.Value.ResumeCheckPeriod, options.Value.ResumeCheckPeriod);
        _reminderHeld = true;
    }

    private async Task ForgetReminderAsync()
    {
        if (await this.GetReminder(ResumeReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    /// <summary>Progress events are best effort: a subscriber that misses one still sees the next, and polling works.</summary>
    private async Task PublishAsync()
    {
        _lastProgressEvent = DateTimeOffset.UtcNow;
        try
        {
            var stream = this.GetStreamProvider(JobEvent.StreamProvider)
                .GetStream<JobEvent>(StreamId.Create(JobEvent.StreamNamespace, this.GetPrimaryKey()));
            await stream.OnNextAsync(JobEvent.From(Snapshot()));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not publish progress of job {Job}", this.GetPrimaryKey());
        }

        StartListing();
    }

    /// <summary>
    /// Records the job's status in its creation hour's list (<see cref="IJobListGrain"/>) when it has changed since this
    /// activation last did. Runs beside the job, one recording at a time, so the job never waits on the list and the list
    /// never receives an older status after a newer one. Best effort, like the progress events: the list only orders and
    /// filters, the job itself is read for what is shown. A failed recording is tried again a few times; after that, the
    /// next change or the next activation records it.
    /// </summary>
    private void StartListing()
    {
        if (_listing is not { IsCompleted: false } && ListingDue)
        {
            _listing = ListAsync();
        }
    }

    /// <summary>A status not yet recorded, and no end being saved (it may yet be taken back; its own event starts the recording again).</summary>
    private bool ListingDue => !_ending && !_listingStop.IsCancellationRequested && Job.Status != JobStatus.None && Job.CreatedAt is not null && _listed != Job.Status;

    private async Task ListAsync()
    {
        TimeSpan[] retries = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)];
        var failures = 0;
        while (ListingDue)
        {
            var (status, createdAt) = (Job.Status, Job.CreatedAt!.Value);
            try
            {
                await GrainFactory.GetGrain<IJobListGrain>(IJobListGrain.BucketKey(createdAt)).Record(new JobListing(this.GetPrimaryKey(), createdAt, status));
                _listed = status;
            }
            catch (Exception e)
            {
                if (failures == retries.Length)
                {
                    logger.LogWarning(e, "Could not list job {Job} as {Status}; its next change or activation lists it", this.GetPrimaryKey(), status);
                    return;
                }

                try
                {
                    await Task.Delay(retries[failures++], _listingStop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private void KeepAlive() => DelayDeactivation(options.Value.ChunkTimeout * 2);

    private JobSnapshot Snapshot()
    {
        var framesTotal = Job.Chunks.Sum(c => c.FrameCount);
        var framesDone = Job.Chunks.Where(c => c.Status == ChunkStatus.Done).Sum(c => c.FrameCount) + _runningFrames.Values.Sum();
        var elapsed = (Job.CompletedAt ?? DateTimeOffset.UtcNow) - (Job.StartedAt ?? DateTimeOffset.UtcNow);
        var fps = elapsed.TotalSeconds > 0 ? framesDone / elapsed.TotalSeconds : 0;
        var progress = new JobProgress(framesDone, framesTotal, Job.Chunks.Count(c => c.Status == ChunkStatus.Done), Job.Chunks.Count, Math.Round(fps, 3));
        _revision = Math.Max(_revision + 1, DateTime.UtcNow.Ticks);
        // A call that interleaves with the save of an end (at its await) sees the state as stored, not the end that may
        // yet be taken back: no COMPLETED, and no output to download, before they are durable.
        var (status, error, completedAt, webhook) = _beforeEnd ?? (Job.Status, Job.Error, Job.CompletedAt, Job.Webhook);
        var completed = status == JobStatus.Completed;
        return new JobSnapshot(this.GetPrimaryKey(), status, Job.Request, progress, error, completed ? Job.OutputKey : null, Job.CreatedAt,
            completedAt, Job.Chunks.ToList(), localSilo.SiloAddress.ToParsableString(), Job.Source, completed ? Job.Output : null, Job.Choice, webhook,
            Job.Quality, _revision);
    }

    private static VideoSummary Summarize(VideoInfo video, IReadOnlyList<string>? conversions = null) => new(video.Width, video.Height,
        video.FrameCount, Math.Round(video.FrameRate, 3), video.Duration.TotalSeconds, video.AudioStreamCount, video.SubtitleCodecs.Count,
        conversions is { Count: > 0 } ? conversions : null, video.VideoCodec);

    /// <summary>What the job does to the source besides enhancing its pictures, as the source's summary says.</summary>
    private static List<string> SourceConversions(VideoInfo video) =>
        [.. video.PictureConversions(), .. VideoAssembler.StreamChanges(video)];

    private static void TryDelete(string directory)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
