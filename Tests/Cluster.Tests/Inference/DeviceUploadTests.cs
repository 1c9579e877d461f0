using Vsr.Cluster.Tests.Support;
using Vsr.Grains.Jobs;

namespace Vsr.Cluster.Tests.Inference;

/// <summary>A device runs the next chunk while the one before uploads its output: an upload is not device work.</summary>
public sealed class DeviceUploadTests
{
    [Fact]
    public async Task A_device_runs_the_next_chunk_while_the_one_before_is_still_uploading()
    {
        await using var cluster = await VsrTestCluster.StartAsync(silos: 1, devices: ["sim:0"], chunkSeconds: 1,
            extraSettings: new Dictionary<string, string?>
            {
                ["Vsr:Simulation:FrameLatency"] = "00:00:00.005",
                ["Vsr:Jobs:ChunksInFlightPerDevice"] = "2",
            });
        using var clips = new TempDirectory();
        var clip = await MediaFacts.MakeClipAsync(clips.Combine("clip.mp4"), 64, 48, seconds: 2);
        var firstUpload = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondUploading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.SiloStore.BeforePutFile = key =>
        {
            if (key.Contains("/chunks/00000.", StringComparison.Ordinal))
            {
                // A slow upload of the first chunk, as of a large chunk to a remote store.
                return firstUpload.Task;
            }

            if (key.Contains("/chunks/00001.", StringComparison.Ordinal))
            {
                secondUploading.TrySetResult();
            }

            return Task.CompletedTask;
        };

        var job = await cluster.SubmitAsync(clip, 2);
        var ranMeanwhile = await Task.WhenAny(secondUploading.Task, Task.Delay(TimeSpan.FromSeconds(60))) == secondUploading.Task;
        firstUpload.SetResult();
        var done = await VsrTestCluster.WaitForEndAsync(job, TimeSpan.FromMinutes(2));

        Assert.True(ranMeanwhile, "the second chunk did not run on the device while the first one uploaded");
        Assert.True(done.Status == JobStatus.Completed, $"job ended {done.Status}: {done.Error}");
    }
}
