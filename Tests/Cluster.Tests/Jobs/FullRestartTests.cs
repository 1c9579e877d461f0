using System.Net;
using Vsr.Cluster.Tests.Support;
using Vsr.Grains.Jobs;

namespace Vsr.Cluster.Tests.Jobs;

/// <summary>Every silo stops and new ones start over the same FileSystem state, as after a machine restart.</summary>
public sealed class FullRestartTests
{
    private static readonly Dictionary<string, string?> SlowSimulation = new() { ["Vsr:Simulation:FrameLatency"] = "00:00:00.040" };

    [Fact]
    public async Task A_job_left_unfinished_by_a_full_restart_resumes_on_its_own_with_filesystem_state()
    {
        using var root = new TempDirectory("vsr-restart");
        using var clips = new TempDirectory();
        var clip = await MediaFacts.MakeClipAsync(Path.Combine(clips.Path, "restart.mp4"), 64, 48, seconds: 6, gop: 25);
        Guid id;
        await using (var first = await VsrTestCluster.StartAsync(silos: 1, devices: ["sim:0"], chunkSeconds: 1, extraSettings: SlowSimulation, root: root))
        {
            var job = await first.SubmitAsync(clip, 2);
            id = job.GetPrimaryKey();
            await WaitUntilAsync(async () => (await job.GetSnapshot()).Progress.ChunksDone > 0, TimeSpan.FromMinutes(2));
            Assert.NotEqual(JobStatus.Completed, (await job.GetSnapshot()).Status);
        }

        await using var second = await VsrTestCluster.StartAsync(silos: 1, devices: ["sim:0"], chunkSeconds: 1, extraSettings: SlowSimulation, root: root);

        // Nobody calls the job: only the silo's own start can bring it back. Its upload goes once it has ended.
        var upload = Path.Combine(root.Combine("objects"), "jobs", id.ToString("N"));
        await WaitUntilAsync(() => Task.FromResult(!Directory.EnumerateFiles(upload).Any(f => Path.GetFileName(f).StartsWith("source", StringComparison.Ordinal))),
            TimeSpan.FromMinutes(2));
        var done = await second.Cluster.Client.GetGrain<IJobGrain>(id).GetSnapshot();
        Assert.True(done.Status == JobStatus.Completed, $"job ended {done.Status}: {done.Error}");
        Assert.Equal(done.Progress.FramesTotal, done.Progress.FramesDone);
    }

    [Fact]
    public async Task A_callback_still_to_be_delivered_at_a_full_restart_is_delivered_after_it_with_filesystem_state()
    {
        using var root = new TempDirectory("vsr-restart-hook");
        using var clips = new TempDirectory();
        using var receiver = new CallbackReceiver(HttpStatusCode.ServiceUnavailable, HttpStatusCode.NoContent);
        var clip = await MediaFacts.MakeClipAsync(Path.Combine(clips.Path, "restart-hook.mp4"), 64, 48, seconds: 1);
        var hooks = new Dictionary<string, string?> { ["Vsr:Webhooks:AllowedHosts:0"] = "127.0.0.1" };
        Guid id;
        // The first cluster's second attempt would wait an hour: it stops before that.
        await using (var first = await VsrTestCluster.StartAsync(silos: 1, devices: ["sim:0"], chunkSeconds: 1,
            extraSettings: new Dictionary<string, string?>(hooks) { ["Vsr:Webhooks:RetryDelays:0"] = "01:00:00" }, root: root))
        {
            var job = await first.SubmitAsync(clip, 2, callbackUrl: receiver.Url);
            id = job.GetPrimaryKey();
            await WaitUntilAsync(async () => (await job.GetSnapshot()).Webhook is { Attempts: 1 }, TimeSpan.FromMinutes(2));
        }

        await using var second = await VsrTestCluster.StartAsync(silos: 1, devices: ["sim:0"], chunkSeconds: 1,
            extraSettings: new Dictionary<string, string?>(hooks) { ["Vsr:Webhooks:RetryDelays:0"] = "00:00:00.100" }, root: root);

        // Nobody calls the job: only the silo's own start can bring the callback back.
        await WaitUntilAsync(() => Task.FromResult(receiver.Received.Count == 2), TimeSpan.FromMinutes(1));
        var done = await second.Cluster.Client.GetGrain<IJobGrain>(id).GetSnapshot();
        Assert.Equal((JobStatus.Completed, WebhookStatus.Delivered, 2), (done.Status, done.Webhook?.Status, done.Webhook?.Attempts));
    }

    [Fact]
    public async Task A_chunk_whose_silo_died_during_its_last_attempt_fails_the_job_when_it_resumes()
    {
        // As a chunk that crashes its silo (a native fault, an out-of-memory kill): killed, not stopped, so the job's
        // ledger still says the chunk runs, and with one attempt allowed the resumed job must not run it again.
        var settings = new Dictionary<string, string?>(SlowSimulation) { ["Vsr:Jobs:MaxAttempts"] = "1" };
        using var root = new TempDirectory("vsr-crash");
        using var clips = new TempDirectory();
        var clip = await MediaFacts.MakeClipAsync(Path.Combine(clips.Path, "crash.mp4"), 64, 48, seconds: 4, gop: 25);
        var first = await VsrTestCluster.StartAsync(silos: 1, devices: ["sim:0"], chunkSeconds: 1, extraSettings: settings, root: root);
        var job = await first.SubmitAsync(clip, 2);
        var id = job.GetPrimaryKey();
        await WaitUntilAsync(async () => (await job.GetSnapshot()).Progress.FramesDone > 0, TimeSpan.FromMinutes(2));
        await first.Cluster.KillSiloAsync(first.Cluster.Silos[0]);
        await first.DisposeAsync();

        await using var second = await VsrTestCluster.StartAsync(silos: 1, devices: ["sim:0"], chunkSeconds: 1, extraSettings: settings, root: root);
        var resumed = second.Cluster.Client.GetGrain<IJobGrain>(id);
        await WaitUntilAsync(async () => (await resumed.GetSnapshot()).Status is JobStatus.Completed or JobStatus.Failed, TimeSpan.FromMinutes(2));

        var done = await resumed.GetSnapshot();
        Assert.True(done.Status == JobStatus.Failed, $"job ended {done.Status}: {done.Error}");
        var failed = Assert.Single(done.Chunks, c => c.Status == ChunkStatus.Failed);
        Assert.Equal(1, failed.Attempts);
        Assert.Contains("its silo stopped during each of its 1 attempts", done.Error, StringComparison.Ordinal);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"condition not met within {timeout}");
            }

            await Task.Delay(100);
        }
    }
}
