using System.Diagnostics;
using Vsr.Engine.Inference;
using Vsr.Engine.Media;
using Vsr.Engine.Quality;
using Vsr.Grains.Hosting;
using Vsr.Grains.Jobs;
using Vsr.Grains.Placement;
using Vsr.Storage;

namespace Vsr.Grains.Inference;

/// <summary>
/// Runs chunks on one device of the silo it is pinned to. Reentrant so that calls queue on the device lease
/// rather than on the grain, and <see cref="Describe"/> answers while a chunk runs.
/// </summary>
[SiloKeyedPlacement, Reentrant]
public sealed class InferenceGrain(
    LocalDevices devices,
    SourceProbeCache probes,
    SourceCopies sources,
    IObjectStore store,
    ILocalSiloDetails localSilo,
    IOptions<NodeOptions> node,
    IOptions<JobOptions> jobs,
    ILogger<InferenceGrain> logger) : Grain, IInferenceGrain
{
    private DeviceId _device;
    private int _chunksCompleted;
    private string _executionProvider = "not loaded";
    private readonly List<RunningChunk> _running = [];

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var (silo, device) = DeviceKey.Split(this.GetPrimaryKeyString());
        if (silo != localSilo.SiloAddress.ToParsableString())
        {
            throw new InvalidOperationException($"Device grain {this.GetPrimaryKeyString()} activated on {localSilo.SiloAddress}, not on its own silo.");
        }

        _device = DeviceId.Parse(device);
        return Task.CompletedTask;
    }

    Task<ChunkResult> IInferenceGrain.RunChunk(ChunkWork work, CancellationToken cancellationToken) =>
        RunForJobAsync(work.JobId, cancellationToken, stop => RunAsync(work, stop));

    Task<QualityReport> IInferenceGrain.MeasureQuality(QualityProbe probe, CancellationToken cancellationToken) =>
        RunForJobAsync(probe.JobId, cancellationToken, stop => MeasureReportAsync(probe, stop));

    /// <summary>
    /// Runs work of <paramref name="jobId"/> so that <see cref="IInferenceGrain.StopJob"/> and the silo's shutdown stop it,
    /// and the stop waits until it has.
    /// </summary>
    private async Task<T> RunForJobAsync<T>(Guid jobId, CancellationToken cancellationToken, Func<CancellationToken, Task<T>> work)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, devices.ShuttingDown);
        using var working = devices.BeginWork();
        var running = new RunningChunk(jobId, stop);
        _running.Add(running);
        try
        {
            return await work(stop.Token);
        }
        catch (OperationCanceledException stopped) when (devices.Stopping.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new DeviceStoppedException($"Device {_device} stopped the work: its silo {localSilo.SiloAddress} is shutting down.", stopped);
        }
        finally
        {
            _running.Remove(running);
            running.Finished.TrySetResult();
        }
    }

    private async Task<QualityReport> MeasureReportAsync(QualityProbe probe, CancellationToken stop)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(jobs.Value.ChunkTimeout);
        UpscaleProbeResult result;
        try
        {
            result = await MeasureAsync(probe, timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !stop.IsCancellationRequested)
        {
            throw new TimeoutException($"The quality measurement did not finish on {_device} within Vsr:Jobs:ChunkTimeout ({jobs.Value.ChunkTimeout}).");
        }

        logger.LogInformation(
            "Quality of {Model} x{Scale} on job {Job}: {Frames} frames, PSNR-Y {ModelPsnr} dB against lanczos {LanczosPsnr} dB, on {Device}",
            probe.Model, probe.Scale, probe.JobId, result.Frames, result.Model.PsnrY, result.Lanczos.PsnrY, _device);
        return new QualityReport(probe.Model, probe.Scale, result.Frames, result.Width, result.Height,
            Rounded(result.Model), Rounded(result.Lanczos), Rounded(result.Bicubic),
            Math.Round(result.ModelTime.TotalMilliseconds / result.Frames, 1), this.GetPrimaryKeyString(), Pairs: result.Pairs,
            StillFraction: result.StillFraction is { } still ? Math.Round(still, 3) : null);
    }

    private static LumaQuality Rounded(LumaScore score) =>
        new(Math.Round(score.PsnrY, 3), Math.Round(score.SsimY, 4), score.TemporalPsnrY is { } temporal ? Math.Round(temporal, 3) : null);

    /// <summary>
    /// Samples and shrinks the frames and scores the enlargements on the CPU; the device is held only while the model runs.
    /// Unlike a chunk, the whole measurement counts against <c>Vsr:Jobs:ChunkTimeout</c>, the wait for the device
    /// included: it is a few frames, and it must not hold its job back for long.
    /// </summary>
    private async Task<UpscaleProbeResult> MeasureAsync(QualityProbe probe, CancellationToken cancellationToken)
    {
        await using var source = await sources.AcquireAsync(probe.SourceKey, releaseAtOnce: false, cancellationToken);
        var video = await probes.GetAsync(probe.SourceKey, source.Path, cancellationToken);
        // Each sample and the frame after it, for the temporal figures.
        var samples = await FrameSampler.SampleRunsAsync(source.Path, video, probe.Frames, 2, cancellationToken);
        var shrunk = await UpscaleProbe.ShrinkAsync(samples, video.Width, video.Height, probe.Scale, cancellationToken);
        (IReadOnlyList<byte[]> Frames, TimeSpan Time) enhanced;
        using (var lease = await devices.AcquireAsync(_device, cancellationToken))
        {
            _executionProvider = lease.Runner.ExecutionProvider;
            // Blocking model runs: off the grain's single-threaded scheduler.
            enhanced = await Task.Run(() => lease.Runner.EnhanceForProbe(probe.Model, shrunk, cancellationToken), cancellationToken);
        }

        return await Task.Run(() => UpscaleProbe.ScoreAsync(shrunk, enhanced.Frames, enhanced.Time, cancellationToken), cancellationToken);
    }

    async Task IInferenceGrain.StopJob(Guid jobId)
    {
        var chunks = _running.Where(r => r.JobId == jobId).ToList();
        foreach (var chunk in chunks.Where(c => !c.Finished.Task.IsCompleted))
        {
            chunk.Stop.Cancel();
        }

        await Task.WhenAll(chunks.Select(c => c.Finished.Task));
    }

    /// <summary>
    /// Takes this silo's copy of the source and probes it, then waits for the device. <c>Vsr:Jobs:ChunkTimeout</c> bounds only the work on the
    /// device: time queued behind other chunks is not the chunk's fault.
    /// </summary>
    private async Task<ChunkResult> RunAsync(ChunkWork work, CancellationToken stop)
    {
        var scratch = Path.Combine(Path.GetFullPath(node.Value.WorkDirectory), "chunks", $"{work.JobId:N}-{work.ChunkIndex:D5}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(scratch);
        try
        {
            // Shared with the job's other chunks on this silo: a remote store would otherwise download the whole source per chunk.
            await using var source = await sources.AcquireAsync(work.SourceKey, releaseAtOnce: false, stop);
            var video = await probes.GetAsync(work.SourceKey, source.Path, stop);
            var lease = await devices.AcquireAsync(_device, stop);
            _executionProvider = lease.Runner.ExecutionProvider;

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
            timeout.CancelAfter(jobs.Value.ChunkTimeout);
            var stopwatch = Stopwatch.StartNew();
            var outputPath = Path.Combine(scratch, "chunk" + Path.GetExtension(work.OutputKey));
            var progress = new ChunkProgressReporter(GrainFactory.GetGrain<IJobGrain>(work.JobId), work.ChunkIndex);
            try
            {
                ChunkOutcome outcome;
                using (lease)
                {
                    // The pipeline is CPU-bound and blocking in places; keep it off the grain's single-threaded scheduler.
                    outcome = await Task.Run(() => lease.Runner.RunAsync(work, source.Path, video, outputPath, progress, timeout.Token), timeout.Token);
                }

                // The device goes to the next chunk while this one uploads (seconds for a large chunk to a remote store).
                await store.PutFileAsync(work.OutputKey, outputPath, timeout.Token);

                _chunksCompleted++;
                logger.LogInformation(
                    "Chunk {Chunk} of job {Job}: {Frames} frames on {Device} ({Provider}) in {Seconds:F1}s",
                    work.ChunkIndex, work.JobId, outcome.FramesWritten, _device, _executionProvider, stopwatch.Elapsed.TotalSeconds);
                return new ChunkResult(work.ChunkIndex, outcome.FramesWritten, work.OutputKey, _device.ToString(),
                    localSilo.SiloAddress.ToParsableString(), stopwatch.Elapsed.TotalSeconds);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !stop.IsCancellationRequested)
            {
                throw new TimeoutException(
                    $"Chunk {work.ChunkIndex} ({work.FrameCount} frames) did not finish on {_device} within Vsr:Jobs:ChunkTimeout " +
                    $"({jobs.Value.ChunkTimeout}); raise Vsr:Jobs:ChunkTimeout or lower Vsr:Jobs:ChunkSeconds for slow devices.");
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private sealed record RunningChunk(Guid JobId, CancellationTokenSource Stop)
    {
        public TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    ValueTask<DeviceDescription> IInferenceGrain.Describe() => ValueTask.FromResult(new DeviceDescription(
        this.GetPrimaryKeyString(), localSilo.SiloAddress.ToParsableString(), _device.ToString(), _executionProvider, _chunksCompleted));
}
