using Vsr.Cluster.Tests.Support;
using Vsr.Grains.Inference;
using Vsr.Grains.Jobs;

namespace Vsr.Cluster.Tests.Jobs;

/// <summary>Fault injection builds its own cluster, so killing a silo cannot disturb other tests.</summary>
public sealed class SiloFailureTests
{
    [Fact]
    public async Task Killing_a_silo_mid_job_still_completes_every_frame()
    {
        // Chunks of 50 frames at 128x96 take seconds each, so the kill lands while the victim is mid-chunk.
        await using var cluster = await VsrTestCluster.StartAsync(chunkSeconds: 2, fastFailureDetection: true);
        using var clips = new TempDirectory();
        var clip = await MediaFacts.MakeClipAsync(Path.Combine(clips.Path, "long.mp4"), 128, 96, seconds: 8, gop: 50);
        var source = await MediaFacts.ReadAsync(clip);

        var job = await cluster.SubmitAsync(clip, 2);
        string? victim = null;
        var done = await VsrTestCluster.WaitForEndAsync(job, TimeSpan.FromMinutes(5), async snapshot =>
        {
            if (victim is not null || snapshot.Status != JobStatus.Processing)
            {
                return;
            }

            // Kill a silo that is running a chunk but does not host the job itself.
            var running = snapshot.Chunks.FirstOrDefault(c => c.Status == ChunkStatus.Running && c.Silo != snapshot.Coordinator);
            if (running is null || snapshot.Progress.FramesDone == 0)
            {
                return;
            }

            victim = running.Silo;
            var handle = cluster.Cluster.Silos.Single(s => s.SiloAddress.ToParsableString() == victim);
            await cluster.Cluster.KillSiloAsync(handle);
        });

        Assert.NotNull(victim);
        Assert.True(done.Status == JobStatus.Completed, $"job ended {done.Status}: {done.Error}");
        Assert.Equal(source.VideoFrames, done.Progress.FramesDone);

        using var outputDir = new TempDirectory();
        var output = outputDir.Combine("out.mp4");
        await using (var stream = await cluster.Store.OpenReadAsync(done.OutputKey!, CancellationToken.None))
        await using (var file = File.Create(output))
        {
            await stream!.CopyToAsync(file);
        }

        var facts = await MediaFacts.ReadAsync(output);
        Assert.Equal(source.VideoFrames, facts.VideoFrames);
        Assert.Equal((256, 192), (facts.Width, facts.Height));

        // The chunk that was running on the dead silo moved to a device of the survivor.
        var moved = done.Chunks.Where(c => c.History.Count > 1 && DeviceKey.Split(c.History[0]).Silo == victim).ToList();
        Assert.True(moved.Count > 0, "no chunk moved off the killed silo; ledger: " + string.Join("; ", done.Chunks.Select(c => $"{c.Index}:{c.Status}:{string.Join(",", c.History)}")));
        Assert.All(moved, c => Assert.NotEqual(victim, c.Silo));
        Assert.All(done.Chunks.Where(c => c.Attempts == 1 && c.Silo == victim), c => Assert.Equal(ChunkStatus.Done, c.Status));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_silo_stopped_gracefully_lets_its_chunks_finish_within_the_drain_timeout_then_stops_them_to_run_elsewhere_without_losing_an_attempt(bool drainLongEnough)
    {
        // Simulated devices at 100 ms a frame: a 50-frame chunk takes 5 s, so the stop lands mid-chunk.
        await using var cluster = await VsrTestCluster.StartAsync(chunkSeconds: 2, devices: ["sim:0", "sim:1"],
            extraSettings: new Dictionary<string, string?>
            {
                ["Vsr:Simulation:FrameLatency"] = "00:00:00.100",
                ["Vsr:Jobs:MaxAttempts"] = "1",
                ["Vsr:Jobs:DeviceDrainTimeout"] = drainLongEnough ? "00:00:30" : "00:00:00.500",
            });
        using var clips = new TempDirectory();
        var clip = await MediaFacts.MakeClipAsync(Path.Combine(clips.Path, "long.mp4"), 64, 48, seconds: 8, gop: 50);
        // Each chunk's output takes a while to store, as on S3: a chunk that has let go of its device is still at work.
        cluster.SiloStore.BeforePutFile = key => key.Contains("/chunks/", StringComparison.Ordinal) ? Task.Delay(1500) : Task.CompletedTask;

        var job = await cluster.SubmitAsync(clip, 2);
        string? victim = null;
        DateTime? seen = null;
        var stopTook = TimeSpan.Zero;
        var done = await VsrTestCluster.WaitForEndAsync(job, TimeSpan.FromMinutes(3), async snapshot =>
        {
            var running = snapshot.Chunks.FirstOrDefault(c => c.Status == ChunkStatus.Running && c.Silo != snapshot.Coordinator);
            seen ??= running is null ? null : DateTime.UtcNow;
            // A chunk dispatched a moment ago may still be fetching its source, not yet on its device.
            if (victim is not null || running is null || DateTime.UtcNow - seen < TimeSpan.FromSeconds(1.5))
            {
                return;
            }

            victim = running.Silo;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await cluster.Cluster.StopSiloAsync(cluster.Cluster.Silos.Single(s => s.SiloAddress.ToParsableString() == victim));
            stopTook = clock.Elapsed;
        });

        Assert.NotNull(victim);
        Assert.True(done.Status == JobStatus.Completed, $"job ended {done.Status}: {done.Error}");
        var ledger = string.Join("; ", done.Chunks.Select(c => $"{c.Index}:{c.Status}:{c.Attempts}:{string.Join(",", c.History)}"));
        var moved = done.Chunks.Where(c => c.History.Count > 1 && DeviceKey.Split(c.History[0]).Silo == victim).ToList();
        if (drainLongEnough)
        {
            // Each chunk had seconds to go, well inside the drain: finished where it ran, nothing run twice.
            Assert.True(moved.Count == 0, "a chunk was stopped within the drain timeout; ledger: " + ledger);
            Assert.Contains(done.Chunks, c => c.Silo == victim);
        }
        else
        {
            // Stopped, not waited for; with one attempt allowed, a stopped chunk charged for it would have failed the job.
            Assert.True(moved.Count > 0, "no chunk moved off the stopped silo; ledger: " + ledger);
            Assert.All(moved, c => Assert.Equal(1, c.Attempts));
            Assert.All(moved, c => Assert.NotEqual(victim, c.Silo));
            Assert.True(stopTook < TimeSpan.FromSeconds(15), $"the silo took {stopTook} to stop");
        }
    }
}
