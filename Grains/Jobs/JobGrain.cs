using Orleans.Streams;
using Vsr.Engine.Media;
using Vsr.Grains.Hosting;
using Vsr.Storage;

namespace Vsr.Grains.Jobs;

/// <summary>
/// Owns one job from submission to a terminal state. The work runs as a background loop on this activation;
/// requests (status, progress reports) interleave with it at its awaits. If the activation is lost while the job
/// is unfinished, the next activation resumes from the persisted chunk ledger; a reminder held while the job is
/// unfinished makes sure there is a next activation even after the whole cluster restarted.
/// </summary>
public sealed class JobGrain(
    [PersistentState(stateName: "job", storageName: JobGrain.StorageName)] IPersistentState<JobState> state,
    ChunkDispatcher dispatcher,
    ModelChooser chooser,
    IObjectStore store,
    ILocalSiloDetails localSilo,
    IOptions<NodeOptions> node,
    IOptions<JobOptions> options,
    ILogger<JobGrain> logger) : Grain, IJobGrain, IRemindable
{
    public const string StorageName = "jobStore";
    private const string ResumeReminder = "resume";
    private static readonly TimeSpan ProgressEventInterval = TimeSpan.FromMilliseconds(250);

    private readonly Dictionary<int, int> _runningFrames = [];
    private CancellationTokenSource? _stop;
    private Task? _run;
    private bool _cancelRequested;
    private DateTimeOffset _lastProgressEvent;

    private JobState Job => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Job.Status is JobStatus.Pending or JobStatus.Processing && Job.Request is not null)
        {
            logger.LogInformation("Job {Job} resumes in state {Status}", this.GetPrimaryKey(), Job.Status);
            StartRun();
        }

        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_stop is not null && _run is not null)
        {
            await _stop.CancelAsync();
            await _run.WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Current);
        }
    }

    async ValueTask<JobSnapshot> IJobGrain.Submit(JobRequest request)
    {
        if (Job.Status != JobStatus.None)
        {
            return Snapshot();
        }

        Job.Status = JobStatus.Pending;
        Job.Request = request;
        Job.CreatedAt = DateTimeOffset.UtcNow;
        await state.WriteStateAsync();

        // Held until the job ends: if every silo stops before then, the reminder brings the job back.
        await this.RegisterOrUpdateReminder(ResumeReminder, options.Value.ResumeCheckPeriod, options.Value.ResumeCheckPeriod);
        logger.LogInformation("Job {Job} accepted: {File} x{Scale}, model {Model}, content {Content}", this.GetPrimaryKey(), request.FileName, request.Scale,
            request.Model ?? "(by content)", request.Content);
        StartRun();
        return Snapshot();
    }

    ValueTask<JobSnapshot> IJobGrain.GetSnapshot() => ValueTask.FromResult(Snapshot());

    async ValueTask<JobSnapshot> IJobGrain.Cancel()
    {
        if (Job.Status is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled)
        {
            return Snapshot();
        }

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
        else
        {
            await EndAsync(JobStatus.Cancelled, "Cancelled at the user's request.");
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

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var jobId = this.GetPrimaryKey();
        var scratch = Path.Combine(Path.GetFullPath(node.Value.WorkDirectory), "jobs", jobId.ToString("N"));
        Directory.CreateDirectory(scratch);
        try
        {
            KeepAlive();
            var request = Job.Request!;
            await using var source = await GetSourceAsync(request, scratch, cancellationToken);
            var video = await ProbeSourceAsync(source.Path, cancellationToken);
            if (Job.Choice is null)
            {
                Job.Choice = await chooser.ChooseAsync(request, source.Path, video, cancellationToken);
                await state.WriteStateAsync();
            }

            if (Job.Status == JobStatus.Pending || Job.Chunks.Count == 0)
            {
                await PlanAsync(video);
            }

            foreach (var chunk in Job.Chunks.Where(c => c.Status == ChunkStatus.Running).ToList())
            {
                Job.Chunks[chunk.Index] = chunk with { Status = ChunkStatus.Pending };
            }

            await dispatcher.RunAsync(jobId, request, Job, SaveProgressAsync, cancellationToken);
            await AssembleAsync(jobId, source.Path, video, scratch, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && _cancelRequested)
        {
            await EndAsync(JobStatus.Cancelled, "Cancelled at the user's request.");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            logger.LogInformation("Job {Job} paused by deactivation; it resumes from its ledger", jobId);
        }
        catch (JobFailedException failure)
        {
            logger.LogWarning(failure, "Job {Job} failed: {Reason}", jobId, failure.Message);
            await EndAsync(JobStatus.Failed, failure.Message);
        }
        catch (Exception unexpected)
        {
            logger.LogError(unexpected, "Job {Job} failed unexpectedly", jobId);
            await EndAsync(JobStatus.Failed, $"Internal error while processing the job: {unexpected.Message}");
        }
        finally
        {
            _runningFrames.Clear();
            TryDelete(scratch);
        }
    }

    private async Task<LocalObject> GetSourceAsync(JobRequest request, string scratch, CancellationToken cancellationToken)
    {
        try
        {
            return await store.GetLocalAsync(request.SourceKey, scratch, cancellationToken);
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
        Job.Source = Summarize(video);
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

        KeepAlive();
        await state.WriteStateAsync();
        await PublishAsync();
    }

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
            await Task.Run(() => VideoAssembler.AssembleAsync(sourcePath, video, encoded, outputPath, logger, cancellationToken), cancellationToken);
            var output = await VideoProbe.ProbeAsync(outputPath, cancellationToken);
            if (output.FrameCount != video.FrameCount)
            {
                throw new JobFailedException($"Assembled output has {output.FrameCount} frames but the source has {video.FrameCount}.");
            }

            var outputKey = $"jobs/{jobId:N}/output{extension}";
            await store.PutFileAsync(outputKey, outputPath, cancellationToken);

            Job.OutputKey = outputKey;
            Job.Output = Summarize(output);
            await EndAsync(JobStatus.Completed, error: null);
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

    /// <summary>Moves the job to a terminal state, persists it, announces it, and drops what is no longer needed.</summary>
    private async Task EndAsync(JobStatus status, string? error)
    {
        Job.Status = status;
        Job.Error = error;
        Job.CompletedAt = DateTimeOffset.UtcNow;
        await state.WriteStateAsync();
        await PublishAsync();
        await ForgetReminderAsync();
        await store.DeletePrefixAsync($"jobs/{this.GetPrimaryKey():N}/chunks/", CancellationToken.None);
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
    }

    private void KeepAlive() => DelayDeactivation(options.Value.ChunkTimeout * 2);

    private JobSnapshot Snapshot()
    {
        var framesTotal = Job.Chunks.Sum(c => c.FrameCount);
        var framesDone = Job.Chunks.Where(c => c.Status == ChunkStatus.Done).Sum(c => c.FrameCount) + _runningFrames.Values.Sum();
        var elapsed = (Job.CompletedAt ?? DateTimeOffset.UtcNow) - (Job.StartedAt ?? DateTimeOffset.UtcNow);
        var fps = elapsed.TotalSeconds > 0 ? framesDone / elapsed.TotalSeconds : 0;
        var progress = new JobProgress(framesDone, framesTotal, Job.Chunks.Count(c => c.Status == ChunkStatus.Done), Job.Chunks.Count, Math.Round(fps, 3));
        return new JobSnapshot(this.GetPrimaryKey(), Job.Status, Job.Request, progress, Job.Error, Job.OutputKey, Job.CreatedAt,
            Job.CompletedAt, Job.Chunks.ToList(), localSilo.SiloAddress.ToParsableString(), Job.Source, Job.Output, Job.Choice);
    }

    private static VideoSummary Summarize(VideoInfo video) => new(video.Width, video.Height, video.FrameCount,
        Math.Round(video.FrameRate, 3), video.Duration.TotalSeconds, video.AudioStreamCount, video.SubtitleCodecs.Count);

    private static void TryDelete(string directory)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
