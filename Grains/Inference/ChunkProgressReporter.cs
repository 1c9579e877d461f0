using System.Diagnostics;
using Vsr.Grains.Jobs;

namespace Vsr.Grains.Inference;

/// <summary>Forwards frame counts of a running chunk to its job, at most a few times a second.</summary>
internal sealed class ChunkProgressReporter(IJobGrain job, int chunkIndex) : IProgress<int>
{
    private static readonly long MinInterval = Stopwatch.Frequency / 4;
    private long _lastReport = long.MinValue / 2;

    public void Report(int framesDone)
    {
        var now = Stopwatch.GetTimestamp();
        if (now - Interlocked.Read(ref _lastReport) < MinInterval)
        {
            return;
        }

        Interlocked.Exchange(ref _lastReport, now);
        _ = job.ReportChunkProgress(chunkIndex, framesDone).AsTask();
    }
}
