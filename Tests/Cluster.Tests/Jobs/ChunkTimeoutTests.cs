using Vsr.Cluster.Tests.Support;
using Vsr.Grains.Jobs;

namespace Vsr.Cluster.Tests.Jobs;

/// <summary><c>Vsr:Jobs:ChunkTimeout</c> bounds a chunk's work on its device, not its wait for the device.</summary>
public sealed class ChunkTimeoutTests
{
    [Fact]
    public async Task Time_queued_for_a_busy_device_does_not_count_against_the_chunk_timeout()
    {
        // Sixteen chunks of about 0.75 s of simulated work each queue on one device: the last starts after about
        // 11 s, past the 10 s timeout, while each chunk's own work stays well inside it even on a loaded machine.
        await using var cluster = await VsrTestCluster.StartAsync(silos: 1, devices: ["sim:0"], chunkSeconds: 1,
            extraSettings: new Dictionary<string, string?>
            {
                ["Vsr:Simulation:FrameLatency"] = "00:00:00.030",
                ["Vsr:Jobs:ChunkTimeout"] = "00:00:10",
                ["Vsr:Jobs:ChunksInFlightPerDevice"] = "16",
                ["Vsr:Jobs:MaxAttempts"] = "1",
            });
        using var clips = new TempDirectory();
        var clip = await MediaFacts.MakeClipAsync(clips.Combine("clip.mp4"), 64, 48, seconds: 16, gop: 25);

        var done = await VsrTestCluster.WaitForEndAsync(await cluster.SubmitAsync(clip, 2), TimeSpan.FromMinutes(3));

        Assert.True(done.Status == JobStatus.Completed, $"job ended {done.Status}: {done.Error}");
        Assert.Equal(16, done.Chunks.Count);
    }

    [Fact]
    public async Task A_chunk_that_runs_past_the_timeout_fails_with_a_reason_naming_the_setting()
    {
        await using var cluster = await VsrTestCluster.StartAsync(silos: 1, devices: ["sim:0"], chunkSeconds: 1,
            extraSettings: new Dictionary<string, string?>
            {
                ["Vsr:Simulation:FrameLatency"] = "00:00:00.100",
                ["Vsr:Jobs:ChunkTimeout"] = "00:00:00.500",
                ["Vsr:Jobs:MaxAttempts"] = "1",
            });
        using var clips = new TempDirectory();
        var clip = await MediaFacts.MakeClipAsync(clips.Combine("clip.mp4"), 64, 48, seconds: 1, gop: 25);

        var done = await VsrTestCluster.WaitForEndAsync(await cluster.SubmitAsync(clip, 2), TimeSpan.FromMinutes(2));

        Assert.Equal(JobStatus.Failed, done.Status);
        Assert.Contains("Vsr:Jobs:ChunkTimeout", done.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("A task was canceled", done.Error, StringComparison.Ordinal);
    }
}
