using Vsr.Engine.Media;
using Vsr.Grains.Hosting;
using Vsr.Grains.Inference;
using Vsr.Queue;

namespace Vsr.Grains.Jobs;

/// <summary>
/// Fans a job's chunks out over every device in the current membership, a bounded number per device, and retries
/// a failed chunk on another device until its attempts run out. Runs inside the job grain's activation: it only
/// mutates the ledger between awaits, so the grain sees a consistent ledger.
/// </summary>
public sealed class ChunkDispatcher(IGrainFactory grains, DeviceDirectory directory, IOptions<JobOptions> options, ILogger<ChunkDispatcher> logger)
{
    private static readonly TimeSpan MembershipPoll = TimeSpan.FromSeconds(1);
    /// <summary>How long a stopping job waits for its devices to stop its work there.</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    /// <param name="onLedgerChanged">
    /// Called to persist the ledger after chunks started, or settled (finished or re-queued; their indexes are passed).
    /// </param>
    public async Task RunAsync(Guid jobId, JobRequest request, JobState job, Func<IReadOnlyList<int>, Task> onLedgerChanged,
        CancellationToken cancellationToken)
    {
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = new Dictionary<Task<ChunkResult>, (int Chunk, string Device)>();
        // Every device given a chunk of this job in this run. A cancelled grain call returns to the caller at once, while
        // the device may still be stopping its chunk, so the stop below goes to these, not only to the calls still open.
        var used = new HashSet<string>(StringComparer.Ordinal);
        var noDeviceSince = (DateTimeOffset?)null;
        // When each chunk that failed may run again (ChunkRetryDelay, doubled per failure); kept for this run only.
        var notBefore = new Dictionary<int, DateTimeOffset>();
        // Silos that said they are stopping (DeviceStoppedException): still in the membership for a while, but a chunk
        // sent to another of their devices would be refused, and charged for it.
        var stopping = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var failed = false;
        try
        {
            while (true)
            {
                // Everything that finished is settled, and the freed devices get their next chunks, before the one write
                // of the ledger: with many devices chunks finish together, and a write per chunk would keep devices idle.
                var settled = SettleFinished(job, running, cancellationToken.IsCancellationRequested, notBefore, stopping);
                var now = DateTimeOffset.UtcNow;
                var devices = directory.ActiveDeviceKeys()
                    .Where(d => !(stopping.TryGetValue(DeviceKey.Split(d).Silo, out var until) && until > now)).ToList();
                noDeviceSince = CheckDevicesPresent(devices, running.Count, noDeviceSince);
                var started = !cancellationToken.IsCancellationRequested && Launch(jobId, request, job, devices, running, notBefore, abandon.Token);
                used.UnionWith(running.Values.Select(r => r.Device));
                if (started || settled.Count > 0)
                {
                    await onLedgerChanged(settled);
                }

                cancellationToken.ThrowIfCancellationRequested();
                if (running.Count == 0)
                {
                    if (job.Chunks.All(c => c.Status == ChunkStatus.Done))
                    {
                        return;
                    }

                    await Task.Delay(NextPoll(notBefore, MembershipPoll), cancellationToken);
                    continue;
                }

                await Task.WhenAny(running.Keys.Append(Task.Delay(NextPoll(notBefore, MembershipPoll * 2), cancellationToken)));
            }
        }
        catch (JobFailedException)
        {
            failed = true;
            throw;
        }
        finally
        {
            // On failure, pause or cancel, stop the chunks still running elsewhere and give them a moment to stop,
            // so that when the job reports its end no device is still working (or writing files) for it.
            await abandon.CancelAsync();
            if (!failed)
            {
                // The job stopped these calls itself (cancel, pause, or an internal error it will retry after): they go
                // back to pending with their attempts, as none of them failed.
                foreach (var (chunk, _) in running.Values)
                {
                    job.Chunks[chunk] = ReturnAttempt(job.Chunks[chunk]);
                }
            }

            if (!job.Chunks.All(c => c.Status == ChunkStatus.Done))
            {
                await StopJobAsync(jobId, used);
            }
        }
    }

    /// <summary>
    /// Asks each of <paramref name="devices"/> to stop the job's work there and waits until they have, at most
    /// <see cref="StopGrace"/>; best effort: a device that cannot be asked is logged and passed over.
    /// </summary>
    public async Task StopJobAsync(Guid jobId, IEnumerable<string> devices)
    {
        var stops = devices.Distinct(StringComparer.Ordinal).Select(async device =>
        {
            try
            {
                await grains.GetGrain<IInferenceGrain>(device).StopJob(jobId);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Job {Job}: device {Device} could not be asked to stop its work", jobId, device);
            }
        }).ToList();
        if (stops.Count > 0)
        {
            await Task.WhenAny(Task.WhenAll(stops), Task.Delay(StopGrace, CancellationToken.None));
        }
    }

    private DateTimeOffset? CheckDevicesPresent(IReadOnlyList<string> devices, int running, DateTimeOffset? noDeviceSince)
    {
        if (devices.Count > 0 || running > 0)
        {
            return null;
        }

        var since = noDeviceSince ?? DateTimeOffset.UtcNow;
        if (DateTimeOffset.UtcNow - since > options.Value.NoDeviceTimeout)
        {
            throw new JobFailedException(
                $"No inference device joined the cluster within {options.Value.NoDeviceTimeout.TotalSeconds:F0}s; start a silo with Vsr:Devices configured.");
        }

        return since;
    }

    /// <summary>The poll interval, or less when a failed chunk's wait ends sooner.</summary>
    private static TimeSpan NextPoll(Dictionary<int, DateTimeOffset> notBefore, TimeSpan poll)
    {
        var now = DateTimeOffset.UtcNow;
        var soonest = notBefore.Values.Where(t => t > now).DefaultIfEmpty(now + poll).Min() - now;
        return soonest < poll ? soonest : poll;
    }

    /// <summary>Starts pending chunks on free devices, except those still waiting after a failure; returns whether anything started.</summary>
    private bool Launch(Guid jobId, JobRequest request, JobState job, IReadOnlyList<string> devices,
        Dictionary<Task<ChunkResult>, (int Chunk, string Device)> running, Dictionary<int, DateTimeOffset> notBefore, CancellationToken cancellationToken)
    {
        var load = devices.ToDictionary(d => d, d => running.Values.Count(r => r.Device == d));
        var started = false;
        var now = DateTimeOffset.UtcNow;
        foreach (var chunk in job.Chunks.Where(c => c.Status == ChunkStatus.Pending && !(notBefore.TryGetValue(c.Index, out var at) && at > now)).ToList())
        {
            var device = PickDevice(chunk, load, job);
            if (device is null)
            {
                break;
            }

            var attempt = chunk.Attempts + 1;
            var choice = job.Choice ?? throw new InvalidOperationException("The job's models are chosen before its chunks are dispatched.");
            var encoding = job.Encoding ?? throw new InvalidOperationException("The job's encoder settings are settled before its chunks are dispatched.");
            var work = new ChunkWork(jobId, chunk.Index, request.SourceKey, chunk.StartFrame, chunk.FrameCount, choice.Model,
                request.Scale, $"jobs/{jobId:N}/chunks/{chunk.Index:D5}.a{attempt}{ChunkTranscoder.ChunkExtension}", choice.Restorers, request.Sharpen,
                request.Codec, encoding.Crf, request.BitDepth, encoding.Preset, encoding.Av1Preset);
            job.Chunks[chunk.Index] = chunk with
            {
                Status = ChunkStatus.Running,
                Attempts = attempt,
                Device = device,
                Silo = DeviceKey.Split(device).Silo,
                History = [.. chunk.History, device],
            };
            running[grains.GetGrain<IInferenceGrain>(device).RunChunk(work, cancellationToken)] = (chunk.Index, device);
            load[device]++;
            started = true;
        }

        return started;
    }

    /// <summary>
    /// The encoder settings of a job, from its request and, where it names none, this silo's settings; the job keeps
    /// them (<see cref="JobState.Encoding"/>) so that every chunk is encoded alike whichever silo runs it.
    /// </summary>
    public static EncoderSettings SettingsFor(JobRequest request, JobOptions options) =>
        new(request.Crf ?? options.DefaultCrf(OutputCodecs.ForJob(request.Codec) ?? OutputCodec.H264), options.Preset, options.Av1Preset);

    /// <summary>The least-loaded free device, avoiding the one a chunk just failed on, and spreading a job's chunks.</summary>
    private string? PickDevice(ChunkRecord chunk, Dictionary<string, int> load, JobState job)
    {
        var failedOn = chunk.LastError is null ? null : chunk.Device;
        return load
            .Where(d => d.Value < options.Value.ChunksInFlightPerDevice)
            .OrderBy(d => d.Key == failedOn ? 1 : 0)
            .ThenBy(d => d.Value)
            .ThenBy(d => job.Chunks.Count(c => c.Device == d.Key))
            .Select(d => d.Key)
            .FirstOrDefault();
    }

    /// <summary>Moves every finished chunk call out of <paramref name="running"/> into the ledger; returns their chunk indexes.</summary>
    /// <param name="stopping">The job is being cancelled or paused: calls that did not succeed were stopped by it, not failed.</param>
    private List<int> SettleFinished(JobState job, Dictionary<Task<ChunkResult>, (int Chunk, string Device)> running, bool stopping,
        Dictionary<int, DateTimeOffset> notBefore, Dictionary<string, DateTimeOffset> stoppingSilos)
    {
        var settled = new List<int>();
        var finished = running.Keys.Where(t => t.IsCompleted).ToList();
        foreach (var task in finished.Where(t => t.Exception?.GetBaseException() is DeviceStoppedException))
        {
            // Its silo leaves the membership within the stop's grace; until then none of its devices is given work.
            stoppingSilos[DeviceKey.Split(running[task].Device).Silo] = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(5);
        }

        foreach (var task in finished)
        {
            var (chunk, device) = running[task];
            running.Remove(task);
            Settle(job, chunk, device, task, stopping, stoppingSilos.ContainsKey(DeviceKey.Split(device).Silo));
            settled.Add(chunk);
            if (job.Chunks[chunk] is { Status: ChunkStatus.Pending, LastError: not null } retried && !stopping)
            {
                var first = options.Value.ChunkRetryDelay;
                var wait = Backoff.Doubling(first, retried.Attempts, first * 1024);
                notBefore[chunk] = DateTimeOffset.UtcNow + wait;
            }
        }

        return settled;
    }

    /// <param name="siloStopping">The device's silo said it is stopping: a call it could no longer answer was not the chunk's failure.</param>
    private void Settle(JobState job, int index, string device, Task<ChunkResult> task, bool stopping, bool siloStopping)
    {
        var chunk = job.Chunks[index];
        if (task.IsCompletedSuccessfully)
        {
            var result = task.Result;
            if (result.FramesWritten != chunk.FrameCount)
            {
                throw new JobFailedException($"Chunk {index} produced {result.FramesWritten} frames instead of {chunk.FrameCount}.");
            }

            job.Chunks[index] = chunk with { Status = ChunkStatus.Done, OutputKey = result.OutputKey, LastError = null };
            return;
        }

        if (stopping)
        {
            // Stopping it was the job's choice, so the chunk keeps its attempt budget.
            job.Chunks[index] = ReturnAttempt(chunk);
            return;
        }

        var failure = task.Exception?.GetBaseException();
        if (failure is DeviceStoppedException || (failure is SiloUnavailableException && siloStopping))
        {
            // Its silo is shutting down (it said so, and may have stopped answering since): not the chunk's failure. It
            // keeps its attempt, and (with a last error) runs again after the retry delay on another device.
            var reason = failure.Message;
            logger.LogInformation("Chunk {Chunk} of a job was stopped on {Device}: {Reason}", index, device, reason);
            job.Chunks[index] = ReturnAttempt(chunk) with { LastError = reason };
            return;
        }

        var error = failure?.Message ?? "cancelled";
        logger.LogWarning("Chunk {Chunk} of a job failed on {Device} (attempt {Attempt}): {Error}", index, device, chunk.Attempts, error);
        if (chunk.Attempts >= options.Value.MaxAttempts)
        {
            job.Chunks[index] = chunk with { Status = ChunkStatus.Failed, LastError = error };
            throw Failed(job.Chunks[index]);
        }

        job.Chunks[index] = chunk with { Status = ChunkStatus.Pending, LastError = error };
    }

    /// <summary>The job's failure for <paramref name="chunk"/>, which used its last attempt.</summary>
    public static JobFailedException Failed(ChunkRecord chunk) => new(
        $"Chunk {chunk.Index} (frames {chunk.StartFrame}–{chunk.StartFrame + chunk.FrameCount - 1}) failed {chunk.Attempts} times; last error: {chunk.LastError}");

    /// <summary>A chunk put back to pending because its job stopped it, with the attempt that stopping cost given back.</summary>
    public static ChunkRecord ReturnAttempt(ChunkRecord chunk) =>
        chunk with { Status = ChunkStatus.Pending, Attempts = Math.Max(0, chunk.Attempts - 1) };
}
