using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Vsr.Cluster.Tests.Support;
using Vsr.Engine.Inference;
using Vsr.Engine.Models;
using Vsr.Engine.Simulation;
using Vsr.Grains.Hosting;
using Vsr.Grains.Inference;
using Vsr.Grains.Jobs;

namespace Vsr.Cluster.Tests.Jobs;

/// <summary>Simulated devices (<c>sim:N</c>) stand in for inference devices when the scheduler is measured, and only then.</summary>
public sealed class SimulatedDeviceTests
{
    [Fact]
    public async Task A_job_on_simulated_devices_completes_through_the_normal_job_path()
    {
        await using var cluster = await VsrTestCluster.StartAsync(devices: ["sim:0", "sim:1"],
            extraSettings: new Dictionary<string, string?> { ["Vsr:Simulation:FrameLatency"] = "00:00:00.010" });
        using var clips = new TempDirectory();
        var clip = await MediaFacts.MakeClipAsync(clips.Combine("clip.mp4"), 64, 48, seconds: 2);
        var source = await MediaFacts.ReadAsync(clip);

        var job = await cluster.SubmitAsync(clip, 2);
        var done = await VsrTestCluster.WaitForEndAsync(job, TimeSpan.FromMinutes(2));

        Assert.True(done.Status == JobStatus.Completed, $"job ended {done.Status}: {done.Error}");
        Assert.Equal(source.VideoFrames, done.Progress.FramesDone);
        Assert.True(done.Chunks.Count >= 4, $"expected several chunks, got {done.Chunks.Count}");
        Assert.All(done.Chunks, c => Assert.True(DeviceId.Parse(DeviceKey.Split(c.Device!).Device).IsSimulated, c.Device));
        foreach (var device in done.Chunks.Select(c => c.Device!).Distinct())
        {
            var description = await cluster.Cluster.Client.GetGrain<IInferenceGrain>(device).Describe();
            Assert.Equal("simulated", description.ExecutionProvider);
        }

        // Placeholder frames at the enhanced size, as many as the source has, joined with the source's audio.
        using var outputDir = new TempDirectory();
        var output = outputDir.Combine("out" + Path.GetExtension(done.OutputKey));
        await using (var stream = await cluster.Store.OpenReadAsync(done.OutputKey!, CancellationToken.None))
        await using (var file = File.Create(output))
        {
            await stream!.CopyToAsync(file);
        }

        var facts = await MediaFacts.ReadAsync(output);
        Assert.Equal((128, 96), (facts.Width, facts.Height));
        Assert.Equal(source.VideoFrames, facts.VideoFrames);
        Assert.Equal(1, facts.AudioStreams);
        await cluster.WaitForNoScratchFilesAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_quality_report_asked_of_a_simulated_device_says_why_there_is_none_and_the_job_completes()
    {
        await using var cluster = await VsrTestCluster.StartAsync(devices: ["sim:0"],
            extraSettings: new Dictionary<string, string?> { ["Vsr:Simulation:FrameLatency"] = "00:00:00.001" });
        using var clips = new TempDirectory();
        var clip = await MediaFacts.MakeClipAsync(clips.Combine("clip.mp4"), 64, 48, seconds: 1);

        var job = await cluster.SubmitAsync(clip, 2, qualityReport: true);
        var done = await VsrTestCluster.WaitForEndAsync(job, TimeSpan.FromMinutes(2));

        Assert.True(done.Status == JobStatus.Completed, $"job ended {done.Status}: {done.Error}");
        var quality = Assert.IsType<QualityReport>(done.Quality);
        Assert.Contains("simulation", quality.Error);
        Assert.Null(quality.Enhanced);
        Assert.EndsWith("/sim:0", quality.Device);
        await cluster.WaitForNoScratchFilesAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_queued_request_for_an_output_that_cannot_be_encoded_fails_before_any_chunk_runs()
    {
        await using var cluster = await VsrTestCluster.StartAsync(devices: ["sim:0"]);
        using var clips = new TempDirectory();
        var clip = await MediaFacts.MakeClipAsync(clips.Combine("clip.mp4"), 64, 48, seconds: 1);

        var vp9 = await cluster.SubmitAsync(clip, 2, adjust: r => r with { Codec = "vp9" });
        var tinyAv1 = await cluster.SubmitAsync(clip, 2, adjust: r => r with { Codec = "av1", Scale = 1 });
        var (first, second) = (await VsrTestCluster.WaitForEndAsync(vp9, TimeSpan.FromMinutes(1)), await VsrTestCluster.WaitForEndAsync(tinyAv1, TimeSpan.FromMinutes(1)));

        Assert.Equal((JobStatus.Failed, JobStatus.Failed), (first.Status, second.Status));
        Assert.Contains("'codec' must be one of h264, hevc, av1", first.Error);
        Assert.Contains("at least 64x64", second.Error);
        Assert.Empty(first.Chunks);
        Assert.Empty(second.Chunks);
    }

    [Fact]
    public async Task Only_devices_configured_as_sim_are_simulated()
    {
        using var placeholders = new PlaceholderChunks();
        using var devices = SiloDevices.Create(placeholders, "cpu:0", "sim:0");

        using (var cpu = await devices.AcquireAsync(DeviceId.Parse("cpu:0"), CancellationToken.None))
        {
            Assert.IsType<ModelChunkRunner>(cpu.Runner);
            Assert.Equal("CPU", cpu.Runner.ExecutionProvider);
        }

        using (var sim = await devices.AcquireAsync(DeviceId.Parse("sim:0"), CancellationToken.None))
        {
            Assert.IsType<SimulatedDevice>(sim.Runner);
            Assert.Equal("simulated", sim.Runner.ExecutionProvider);
        }

        await Assert.ThrowsAsync<InvalidOperationException>(() => devices.AcquireAsync(DeviceId.Parse("sim:1"), CancellationToken.None));
    }
}
