using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Vsr.Cluster.Tests.Support;
using Vsr.Grains.Jobs;

namespace Vsr.Cluster.Tests.Jobs;

/// <summary>
/// A queued job is acknowledged once it is saved PENDING, so the intake queue stays near empty however much work waits;
/// the autoscaler reads the chunk backlog (<c>vsr_chunks_pending</c>) instead.
/// </summary>
public sealed class ChunkBacklogTests
{
    [Fact]
    public async Task The_backlog_gauge_counts_the_chunks_of_a_running_job_and_falls_to_zero_when_it_ends()
    {
        await using var cluster = await VsrTestCluster.StartAsync(devices: ["sim:0"],
            extraSettings: new Dictionary<string, string?> { ["Vsr:Simulation:FrameLatency"] = "00:00:00.040" });
        using var gauge = BacklogReader.Of(cluster);
        using var clips = new TempDirectory();
        var clip = await MediaFacts.MakeClipAsync(clips.Combine("clip.mp4"), 64, 48, seconds: 2);
        Assert.Equal(0, gauge.Read());

        var seen = new List<long>();
        var done = await VsrTestCluster.WaitForEndAsync(await cluster.SubmitAsync(clip, 2), TimeSpan.FromMinutes(2), snapshot =>
        {
            if (snapshot.Status == JobStatus.Processing)
            {
                seen.Add(gauge.Read());
            }

            return Task.CompletedTask;
        });

        Assert.True(done.Status == JobStatus.Completed, $"job ended {done.Status}: {done.Error}");
        Assert.True(done.Chunks.Count >= 4, $"expected several chunks, got {done.Chunks.Count}");
        Assert.Contains(seen, n => n > 1);
        Assert.All(seen, n => Assert.InRange(n, 0, done.Chunks.Count));
        Assert.Equal(0, gauge.Read());
    }

    [Fact]
    public async Task A_job_cancelled_with_chunks_left_leaves_no_backlog_behind()
    {
        await using var cluster = await VsrTestCluster.StartAsync(devices: ["sim:0"],
            extraSettings: new Dictionary<string, string?> { ["Vsr:Simulation:FrameLatency"] = "00:00:00.040" });
        using var gauge = BacklogReader.Of(cluster);
        using var clips = new TempDirectory();
        var clip = await MediaFacts.MakeClipAsync(clips.Combine("clip.mp4"), 64, 48, seconds: 4);
        var job = await cluster.SubmitAsync(clip, 2);
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (gauge.Read() == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var pendingBefore = gauge.Read();
        var cancelled = await job.Cancel();

        Assert.True(pendingBefore > 0, "the job never showed a backlog");
        Assert.Equal(JobStatus.Cancelled, cancelled.Status);
        Assert.Contains(cancelled.Chunks, c => c.Status != ChunkStatus.Done);
        Assert.Equal(0, gauge.Read());
    }

    /// <summary>Reads the gauge of the given silos as a metrics exporter would, summing over them as Prometheus does.</summary>
    private sealed class BacklogReader : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _sum;

        /// <summary>Reads the backlog of every silo of <paramref name="cluster"/>.</summary>
        public static BacklogReader Of(VsrTestCluster cluster) => new(cluster.Cluster.Silos
            .Select(s => cluster.Cluster.GetSiloServiceProvider(s.SiloAddress).GetRequiredService<ChunkBacklog>())
            .ToHashSet<object>());

        public BacklogReader(IReadOnlySet<object> silos)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == ChunkBacklog.MeterName && instrument.Name == ChunkBacklog.InstrumentName
                    && instrument.Meter.Scope is { } scope && silos.Contains(scope))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<int>((_, value, _, _) => _sum += value);
            _listener.Start();
        }

        public long Read()
        {
            _sum = 0;
            _listener.RecordObservableInstruments();
            return _sum;
        }

        public void Dispose() => _listener.Dispose();
    }
}
