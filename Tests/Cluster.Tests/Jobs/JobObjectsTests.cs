using Vsr.Cluster.Tests.Support;
using Vsr.Grains.Jobs;

namespace Vsr.Cluster.Tests.Jobs;

/// <summary>An ended job keeps only its output in the object store: uploads can be gigabytes.</summary>
public sealed class JobObjectsTests
{
    private static readonly Dictionary<string, string?> Settings = new() { ["Vsr:Simulation:FrameLatency"] = "00:00:00.040" };

    [Fact]
    public async Task A_completed_job_keeps_its_output_and_drops_its_upload_request_and_chunks()
    {
        await using var cluster = await VsrTestCluster.StartAsync(devices: ["sim:0"], extraSettings: Settings);
        using var clips = new TempDirectory();
        var clip = await MediaFacts.MakeClipAsync(clips.Combine("clip.mp4"), 64, 48, seconds: 1);
        var (job, id) = await SubmitAsApiDoesAsync(cluster, clip);

        var done = await VsrTestCluster.WaitForEndAsync(job, TimeSpan.FromMinutes(2));

        Assert.True(done.Status == JobStatus.Completed, $"job ended {done.Status}: {done.Error}");
        // The clean-up follows the saved end (a status read can come between the two), so it is waited for.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (StoredKeys(cluster, id).Count > 1 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal([done.OutputKey!], StoredKeys(cluster, id));
    }

    [Fact]
    public async Task A_cancelled_job_leaves_nothing_in_the_object_store()
    {
        await using var cluster = await VsrTestCluster.StartAsync(devices: ["sim:0"], extraSettings: Settings);
        using var clips = new TempDirectory();
        var clip = await MediaFacts.MakeClipAsync(clips.Combine("clip.mp4"), 64, 48, seconds: 4);
        var (job, id) = await SubmitAsApiDoesAsync(cluster, clip);

        Assert.Equal(JobStatus.Cancelled, (await job.Cancel()).Status);

        Assert.Empty(StoredKeys(cluster, id));
        Assert.Equal(JobStatus.Cancelled, (await job.GetSnapshot()).Status);
    }

    [Fact]
    public async Task A_job_cancelled_while_queued_shows_what_it_was_once_its_submission_arrives()
    {
        await using var cluster = await VsrTestCluster.StartAsync(devices: ["sim:0"], extraSettings: Settings);
        using var clips = new TempDirectory();
        var (job, source, id) = await CancelledWhileQueuedAsync(cluster, clips);

        // No callback: before, the late submission was only read for one, and the job showed no file, scale or codec.
        var after = await job.Submit(new JobRequest(source, "clip.mp4", 4, null, Codec: "hevc"));

        Assert.Equal(JobStatus.Cancelled, after.Status);
        Assert.Equal(("clip.mp4", 4, "hevc"), (after.Request?.FileName, after.Request?.Scale, after.Request?.Codec));
        Assert.Null(after.Webhook);
        Assert.Empty(StoredKeys(cluster, id));
    }

    [Fact]
    public async Task A_failed_clean_up_of_a_job_cancelled_while_queued_is_tried_again_on_the_reminder_it_then_holds()
    {
        var settings = new Dictionary<string, string?>(Settings) { ["Vsr:Jobs:ResumeCheckPeriod"] = "00:00:02" };
        await using var cluster = await VsrTestCluster.StartAsync(devices: ["sim:0"], extraSettings: settings);
        using var clips = new TempDirectory();
        var (job, source, id) = await CancelledWhileQueuedAsync(cluster, clips);
        var fault = cluster.SiloStore.Fail(nameof(cluster.Store.DeletePrefixAsync), _ => true, times: 1);

        // The late submission names the upload, and its clean-up fails once.
        var after = await job.Submit(new JobRequest(source, "clip.mp4", 2, null));
        Assert.Equal(1, fault.Failed);
        Assert.Contains(source, StoredKeys(cluster, id));

        // Before, nothing held a reminder for this job (it never ran and has no callback), so the upload stayed for ever.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (StoredKeys(cluster, id).Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.Equal(JobStatus.Cancelled, after.Status);
        Assert.Empty(StoredKeys(cluster, id));
    }

    [Fact]
    public async Task A_dead_lettered_submission_of_a_job_cancelled_while_queued_takes_its_upload_away_and_names_its_callback()
    {
        await using var cluster = await VsrTestCluster.StartAsync(devices: ["sim:0"], extraSettings: Settings);
        using var clips = new TempDirectory();
        var (job, source, id) = await CancelledWhileQueuedAsync(cluster, clips);
        var request = new JobRequest(source, "clip.mp4", 2, null, CallbackUrl: "https://hooks.example.com/vsr");
        var (submitted, failed) = (DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(-1));

        var after = await job.FailSubmission(request, "dead-lettered", submitted, failed);

        // Still the user's cancel, now with the request that names its callback, and no upload left behind.
        Assert.Equal(JobStatus.Cancelled, after.Status);
        Assert.Equal(request, after.Request);
        Assert.NotNull(after.Webhook);
        Assert.Empty(StoredKeys(cluster, id));
    }

    [Fact]
    public async Task A_dead_letter_leaves_a_job_that_was_saved_as_it_is()
    {
        await using var cluster = await VsrTestCluster.StartAsync(devices: ["sim:0"], extraSettings: Settings);
        using var clips = new TempDirectory();
        var clip = await MediaFacts.MakeClipAsync(clips.Combine("clip.mp4"), 64, 48, seconds: 1);
        var (job, _) = await SubmitAsApiDoesAsync(cluster, clip);
        var request = (await job.GetSnapshot()).Request!;

        var after = await job.FailSubmission(request, "dead-lettered", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);

        Assert.NotEqual(JobStatus.Failed, after.Status);
        Assert.NotEqual("dead-lettered", after.Error);
        Assert.Equal(JobStatus.Completed, (await VsrTestCluster.WaitForEndAsync(job, TimeSpan.FromMinutes(2))).Status);
    }

    /// <summary>A stored upload whose job the user cancelled before its submission came off the queue.</summary>
    private static async Task<(IJobGrain Job, string Source, Guid Id)> CancelledWhileQueuedAsync(VsrTestCluster cluster, TempDirectory clips)
    {
        var clip = await MediaFacts.MakeClipAsync(clips.Combine("clip.mp4"), 64, 48, seconds: 1);
        var (job, source) = await cluster.StoreSourceAsync(clip);
        Assert.Equal(JobStatus.Cancelled, (await job.Cancel()).Status);
        return (job, source, job.GetPrimaryKey());
    }

    /// <summary>The upload and the queued request (which the API reads until the grain knows the job), then the submission.</summary>
    private static async Task<(IJobGrain Job, Guid Id)> SubmitAsApiDoesAsync(VsrTestCluster cluster, string clip)
    {
        var id = Guid.NewGuid();
        var source = $"jobs/{id:N}/source.mp4";
        await cluster.Store.PutFileAsync(source, clip, CancellationToken.None);
        await cluster.Store.PutAsync($"jobs/{id:N}/request.json", new MemoryStream("{}"u8.ToArray()), CancellationToken.None);
        var job = cluster.Cluster.Client.GetGrain<IJobGrain>(id);
        await job.Submit(new JobRequest(source, "clip.mp4", 2, "realesr-animevideov3", JobContent.Auto, false, false));
        return (job, id);
    }

    private static List<string> StoredKeys(VsrTestCluster cluster, Guid id)
    {
        var folder = Path.Combine(cluster.TempPath, "objects", "jobs", id.ToString("N"));
        return Directory.Exists(folder)
            ? Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(Path.Combine(cluster.TempPath, "objects"), f).Replace('\\', '/'))
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];
    }
}
