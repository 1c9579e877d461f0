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
}
