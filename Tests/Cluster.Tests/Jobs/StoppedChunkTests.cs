using Vsr.Cluster.Tests.Support;
using Vsr.Grains.Jobs;

namespace Vsr.Cluster.Tests.Jobs;

/// <summary>
/// A chunk the job itself stopped (the user cancelled, or the job paused) did not fail: with one attempt per chunk,
/// any stop counted as a failure would end the job FAILED. Simulated devices, so the chunks are slow and cheap; the clip
/// runs for 10 s of simulated work, so that a late poll on a loaded machine still finds it running.
/// </summary>
public sealed class StoppedChunkTests
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Vsr:Simulation:FrameLatency"] = "00:00:00.040",
        ["Vsr:Jobs:MaxAttempts"] = "1",
    };

    [Fact]
    public async Task Cancelling_a_job_whose_chunks_have_no_attempts_left_ends_it_cancelled()
    {
        await using var cluster = await VsrTestCluster.StartAsync(devices: ["sim:0"], chunkSeconds: 1, extraSettings: Settings);
        using var clips = new TempDirectory();
        var clip = await MediaFacts.MakeClipAsync(clips.Combine("clip.mp4"), 64, 48, seconds: 10, gop: 25);
        var job = await cluster.SubmitAsync(clip, 2);
        await WaitUntilFramesAreDoneAsync(job);

        var cancelled = await job.Cancel();

        Assert.Equal(JobStatus.Cancelled, cancelled.Status);
        Assert.Equal("Cancelled at the user's request.", cancelled.Error);
        Assert.DoesNotContain(cancelled.Chunks, c => c.Status == ChunkStatus.Failed || c.LastError is not null);
    }

    [Fact]
    public async Task A_job_paused_mid_chunk_resumes_with_its_attempts_and_completes()
    {
        await using var cluster = await VsrTestCluster.StartAsync(devices: ["sim:0"], chunkSeconds: 1, extraSettings: Settings);
        using var clips = new TempDirectory();
        var clip = await MediaFacts.MakeClipAsync(clips.Combine("clip.mp4"), 64, 48, seconds: 10, gop: 25);
        var job = await cluster.SubmitAsync(clip, 2);
        await WaitUntilFramesAreDoneAsync(job);

        await cluster.Cluster.DeactivateAsync(job);
        var done = await VsrTestCluster.WaitForEndAsync(job, TimeSpan.FromMinutes(2));

        Assert.True(done.Status == JobStatus.Completed, $"job ended {done.Status}: {done.Error}");
        Assert.All(done.Chunks, c => Assert.Equal(1, c.Attempts));
        Assert.Contains(done.Chunks, c => c.History.Count > 1);
    }

    private static async Task WaitUntilFramesAreDoneAsync(IJobGrain job)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        JobSnapshot snapshot;
        do
        {
            await Task.Delay(50);
            snapshot = await job.GetSnapshot();
        }
        while (snapshot.Progress.FramesDone == 0 && snapshot.Status is JobStatus.Pending or JobStatus.Processing && DateTime.UtcNow < deadline);
        Assert.True(snapshot.Status == JobStatus.Processing && snapshot.Progress.FramesDone < snapshot.Progress.FramesTotal,
            $"job is {snapshot.Status} with {snapshot.Progress}");
    }
}
