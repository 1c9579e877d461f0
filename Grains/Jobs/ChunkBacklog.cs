using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Vsr.Grains.Jobs;

/// <summary>
/// The <c>vsr_chunks_pending</c> gauge (meter <c>Vsr.Jobs</c>): chunks of the unfinished jobs this silo coordinates that
/// are not done yet, running ones included. The intake queue is acknowledged as soon as a job is saved PENDING, so the
/// backlog lives in job grains, not in the queue; summed over the silos this is the work the cluster still has to do,
/// the signal to scale devices on. A job counts from its planning until its run ends (or pauses, when the silo that
/// resumes it counts it).
/// </summary>
public sealed class ChunkBacklog : IDisposable
{
    public const string MeterName = "Vsr.Jobs";
    public const string InstrumentName = "vsr_chunks_pending";

    private readonly ConcurrentDictionary<Guid, int> _pending = new();
    private readonly Meter _meter;

    public ChunkBacklog()
    {
        // Scoped to this instance, so that a reader can tell the silos of one process apart (as the tests do).
        _meter = new Meter(new MeterOptions(MeterName) { Scope = this });
        _meter.CreateObservableGauge(InstrumentName, () => _pending.Values.Sum(), unit: "{chunk}",
            description: "Chunks not yet done of the unfinished jobs this silo coordinates.");
    }

    /// <summary>Records how many of <paramref name="job"/>'s chunks are not done.</summary>
    public void Set(Guid job, int chunksNotDone) => _pending[job] = chunksNotDone;

    /// <summary>The job's run ended or paused here.</summary>
    public void Remove(Guid job) => _pending.TryRemove(job, out _);

    public void Dispose() => _meter.Dispose();
}
