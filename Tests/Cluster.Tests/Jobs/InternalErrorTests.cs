using System.Net;
using Vsr.Cluster.Tests.Support;
using Vsr.Grains.Jobs;

namespace Vsr.Cluster.Tests.Jobs;

/// <summary>
/// Storage, database and network errors are not the job's fault: the job rides them out with its ledger and its
/// finished chunks, and only a lasting error fails it. Simulated devices keep these fault tests quick.
/// </summary>
public sealed class InternalErrorTests
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Vsr:Simulation:FrameLatency"] = "00:00:00.005",
        ["Vsr:Jobs:InternalRetryDelay"] = "00:00:00.200",
        ["Vsr:Jobs:InternalRetryLimit"] = "2",
    };

    [Fact]
    public async Task A_storage_error_while_assembling_is_retried_and_the_job_completes_without_running_a_chunk_again()
    {
        await using var cluster = await VsrTestCluster.StartAsync(devices: ["sim:0", "sim:1"], extraSettings: Settings);
        using var clips = new TempDirectory();
        var clip = await MediaFacts.MakeClipAsync(clips.Combine("clip.mp4"), 64, 48, seconds: 2);
        var fault = cluster.SiloStore.Fail(nameof(cluster.Store.GetLocalAsync), key => key.Contains("/chunks/", StringComparison.Ordinal));

        var done = await VsrTestCluster.WaitForEndAsync(await cluster.SubmitAsync(clip, 2), TimeSpan.FromMinutes(2));

        Assert.Equal(1, fault.Failed);
        Assert.True(done.Status == JobStatus.Completed, $"job ended {done.Status}: {done.Error}");
        Assert.All(done.Chunks, c => Assert.Equal(1, c.Attempts));
        Assert.True(await cluster.Store.ExistsAsync(done.OutputKey!, CancellationToken.None));
    }

    [Fact]
    public async Task A_callback_whose_save_fails_is_not_posted_again_and_its_save_is_tried_again()
    {
        var state = new FaultyGrainStorage.Faults();
        await using var cluster = await VsrTestCluster.StartAsync(devices: ["sim:0"], services: s => FaultyGrainStorage.Install(s, state),
            extraSettings: new Dictionary<string, string?>(Settings)
            {
                ["Vsr:Webhooks:AllowedHosts:0"] = "127.0.0.1",
                ["Vsr:Webhooks:RetryDelays:0"] = "00:00:00.500",
            });
        using var clips = new TempDirectory();
        using var receiver = new CallbackReceiver(HttpStatusCode.NoContent);
        var clip = await MediaFacts.MakeClipAsync(clips.Combine("clip.mp4"), 64, 48, seconds: 1);
        var fault = state.Spoil(FaultyGrainStorage.Fault.Error, job => job.Webhook is { Status: WebhookStatus.Delivered });

        var job = await cluster.SubmitAsync(clip, 2, callbackUrl: receiver.Url);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while ((await job.GetSnapshot()).Webhook?.Status != WebhookStatus.Delivered || fault.Spoiled == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the callback was not delivered");
            await Task.Delay(100);
        }

        // The failed save is tried again after the first delay; the receiver, which answered 2xx, hears nothing more.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(1, fault.Spoiled);
        Assert.Single(receiver.Received);
        Assert.Equal((WebhookStatus.Delivered, 1), ((await job.GetSnapshot()).Webhook!.Status, (await job.GetSnapshot()).Webhook!.Attempts));
    }

    [Fact]
    public async Task A_ledger_write_error_while_chunks_run_costs_those_chunks_no_attempt()
    {
        var state = new FaultyGrainStorage.Faults();
        await using var cluster = await VsrTestCluster.StartAsync(devices: ["sim:0", "sim:1"], extraSettings: Settings,
            services: s => FaultyGrainStorage.Install(s, state));
        using var clips = new TempDirectory();
        var clip = await MediaFacts.MakeClipAsync(clips.Combine("clip.mp4"), 64, 48, seconds: 2);
        var fault = state.Spoil(FaultyGrainStorage.Fault.Error, job => job.Chunks.Count(c => c.Status == ChunkStatus.Running) >= 2);

        var done = await VsrTestCluster.WaitForEndAsync(await cluster.SubmitAsync(clip, 2), TimeSpan.FromMinutes(2));

        Assert.Equal(1, fault.Spoiled);
        Assert.True(done.Status == JobStatus.Completed, $"job ended {done.Status}: {done.Error}");
        Assert.All(done.Chunks, c => Assert.Equal(1, c.Attempts));
    }

    [Fact]
    public async Task A_chunk_stopped_by_a_ledger_write_error_still_has_its_second_attempt_when_it_then_fails_once()
    {
        var state = new FaultyGrainStorage.Faults();
        var settings = new Dictionary<string, string?>(Settings) { ["Vsr:Jobs:MaxAttempts"] = "2" };
        await using var cluster = await VsrTestCluster.StartAsync(devices: ["sim:0", "sim:1"], extraSettings: settings,
            services: s => FaultyGrainStorage.Install(s, state));
        using var clips = new TempDirectory();
        var clip = await MediaFacts.MakeClipAsync(clips.Combine("clip.mp4"), 64, 48, seconds: 2);
        var ledger = state.Spoil(FaultyGrainStorage.Fault.Error, job => job.Chunks is [{ Status: ChunkStatus.Running }, ..]);
        // The chunk's own failure, on the run after the ledger error: its output cannot be stored.
        var upload = cluster.SiloStore.Fail(nameof(cluster.Store.PutFileAsync),
            key => ledger.Spoiled > 0 && key.Contains("/chunks/00000.", StringComparison.Ordinal));

        var done = await VsrTestCluster.WaitForEndAsync(await cluster.SubmitAsync(clip, 2), TimeSpan.FromMinutes(2));

        Assert.Equal(1, ledger.Spoiled);
        Assert.Equal(1, upload.Failed);
        Assert.True(done.Status == JobStatus.Completed, $"job ended {done.Status}: {done.Error}");
        Assert.Equal(2, done.Chunks[0].Attempts);
    }

    [Fact]
    public async Task A_chunk_that_fails_waits_before_each_retry_a_delay_that_doubles()
    {
        var settings = new Dictionary<string, string?>(Settings) { ["Vsr:Jobs:ChunkRetryDelay"] = "00:00:01" };
        await using var cluster = await VsrTestCluster.StartAsync(devices: ["sim:0"], extraSettings: settings);
        using var clips = new TempDirectory();
        var clip = await MediaFacts.MakeClipAsync(clips.Combine("clip.mp4"), 64, 48, seconds: 1);
        var tries = new System.Collections.Concurrent.ConcurrentQueue<DateTime>();
        // A store that refuses the chunk's output twice, as S3 does for a moment with a 503.
        var upload = cluster.SiloStore.Fail(nameof(cluster.Store.PutFileAsync), key =>
        {
            var chunk = key.Contains("/chunks/00000.", StringComparison.Ordinal);
            if (chunk)
            {
                tries.Enqueue(DateTime.UtcNow);
            }

            return chunk;
        }, times: 2);

        var done = await VsrTestCluster.WaitForEndAsync(await cluster.SubmitAsync(clip, 2), TimeSpan.FromMinutes(2));

        Assert.True(done.Status == JobStatus.Completed, $"job ended {done.Status}: {done.Error}");
        Assert.Equal(2, upload.Failed);
        Assert.Equal(3, done.Chunks[0].Attempts);
        var at = tries.ToArray();
        Assert.Equal(3, at.Length);
        Assert.True(at[1] - at[0] >= TimeSpan.FromSeconds(1), $"the second try came {at[1] - at[0]} after the first");
        Assert.True(at[2] - at[1] >= TimeSpan.FromSeconds(2), $"the third try came {at[2] - at[1]} after the second");
    }

    [Fact]
    public async Task A_job_whose_stored_state_changed_under_it_reactivates_once_and_completes_from_the_stored_state()
    {
        var state = new FaultyGrainStorage.Faults();
        await using var cluster = await VsrTestCluster.StartAsync(devices: ["sim:0", "sim:1"], extraSettings: Settings,
            services: s => FaultyGrainStorage.Install(s, state));
        using var clips = new TempDirectory();
        var clip = await MediaFacts.MakeClipAsync(clips.Combine("clip.mp4"), 64, 48, seconds: 2);
        var changed = state.Spoil(FaultyGrainStorage.Fault.ChangedBehind, job => job.Chunks.Any(c => c.Status == ChunkStatus.Done));

        var job = await cluster.SubmitAsync(clip, 2);
        var done = await VsrTestCluster.WaitForEndAsync(job, TimeSpan.FromMinutes(1), _ =>
        {
            // An activation that ran on with the stale copy would write it again, and be refused again, for ever.
            Assert.True(state.StaleWrites <= 1, $"the job's stale copy was written {state.StaleWrites} times");
            return Task.CompletedTask;
        });

        Assert.Equal(1, changed.Spoiled);
        Assert.True(done.Status == JobStatus.Completed, $"job ended {done.Status}: {done.Error}");
        Assert.Equal(1, state.StaleWrites);
        Assert.Equal(2, state.Reads(job.GetGrainId()));
        Assert.True(await cluster.Store.ExistsAsync(done.OutputKey!, CancellationToken.None));
    }

    [Fact]
    public async Task A_storage_error_that_lasts_fails_the_job_after_the_retry_limit_with_a_reason_to_act_on()
    {
        await using var cluster = await VsrTestCluster.StartAsync(devices: ["sim:0"], extraSettings: Settings);
        using var clips = new TempDirectory();
        var clip = await MediaFacts.MakeClipAsync(clips.Combine("clip.mp4"), 64, 48, seconds: 1);
        var fault = cluster.SiloStore.Fail(nameof(cluster.Store.GetLocalAsync), key => key.Contains("/chunks/", StringComparison.Ordinal), times: -1);

        var done = await VsrTestCluster.WaitForEndAsync(await cluster.SubmitAsync(clip, 2), TimeSpan.FromMinutes(2));

        Assert.Equal(JobStatus.Failed, done.Status);
        Assert.Equal(3, fault.Failed);
        Assert.Contains("3 internal errors in a row", done.Error, StringComparison.Ordinal);
        Assert.Contains("Vsr:Jobs:InternalRetryLimit", done.Error, StringComparison.Ordinal);
        Assert.Contains("503", done.Error, StringComparison.Ordinal);
        Assert.All(done.Chunks, c => Assert.Equal(1, c.Attempts));
    }

    [Fact]
    public async Task A_first_save_of_PENDING_that_fails_is_undone_and_the_next_delivery_runs_the_job_in_a_new_activation()
    {
        var state = new FaultyGrainStorage.Faults();
        await using var cluster = await VsrTestCluster.StartAsync(devices: ["sim:0"], extraSettings: Settings,
            services: s => FaultyGrainStorage.Install(s, state));
        using var clips = new TempDirectory();
        var clip = await MediaFacts.MakeClipAsync(clips.Combine("clip.mp4"), 64, 48, seconds: 1);
        var fault = state.Spoil(FaultyGrainStorage.Fault.Error, job => job is { Status: JobStatus.Pending, Chunks.Count: 0 });
        var (job, key) = await cluster.StoreSourceAsync(clip);
        var request = new JobRequest(key, "clip.mp4", 2, "realesr-animevideov3", JobContent.Auto, false, false);

        // The queue's first delivery: its save fails, so the message is not acked and comes again.
        var refused = await Assert.ThrowsAnyAsync<Exception>(async () => await job.Submit(request));
        Assert.Contains("Injected fault", refused.Message, StringComparison.Ordinal);
        await job.Submit(request);
        var done = await VsrTestCluster.WaitForEndAsync(job, TimeSpan.FromMinutes(2));

        Assert.Equal(1, fault.Spoiled);
        Assert.True(done.Status == JobStatus.Completed, $"job ended {done.Status}: {done.Error}");
        // The write may have landed though its answer was lost, so the second delivery read the stored state afresh.
        Assert.Equal(2, state.Reads(job.GetGrainId()));
    }

    [Fact]
    public async Task An_output_whose_COMPLETED_cannot_be_saved_is_never_offered_and_is_removed_when_the_job_fails()
    {
        var state = new FaultyGrainStorage.Faults();
        await using var cluster = await VsrTestCluster.StartAsync(devices: ["sim:0"], extraSettings: Settings,
            services: s => FaultyGrainStorage.Install(s, state));
        using var clips = new TempDirectory();
        var clip = await MediaFacts.MakeClipAsync(clips.Combine("clip.mp4"), 64, 48, seconds: 1);
        var fault = state.Spoil(FaultyGrainStorage.Fault.Error, job => job.Status == JobStatus.Completed, times: -1);

        var job = await cluster.SubmitAsync(clip, 2);
        var done = await VsrTestCluster.WaitForEndAsync(job, TimeSpan.FromMinutes(2), snapshot =>
        {
            // Stored but not saved COMPLETED: not the job's output yet.
            Assert.Null(snapshot.OutputKey);
            return Task.CompletedTask;
        });

        Assert.Equal(3, fault.Spoiled);
        Assert.Equal(JobStatus.Failed, done.Status);
        Assert.Contains("Injected fault", done.Error, StringComparison.Ordinal);
        Assert.Equal((null, null), (done.OutputKey, done.Output));
        // The clean-up follows the saved end.
        var output = $"jobs/{job.GetPrimaryKey():N}/output.mp4";
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await cluster.Store.ExistsAsync(output, CancellationToken.None))
        {
            Assert.True(DateTime.UtcNow < deadline, "the unsaved output is still stored");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_failed_end_refused_as_stale_reactivates_the_job_which_then_ends_from_the_stored_state()
    {
        var state = new FaultyGrainStorage.Faults();
        var settings = new Dictionary<string, string?>(Settings) { ["Vsr:Jobs:MaxAttempts"] = "1" };
        await using var cluster = await VsrTestCluster.StartAsync(devices: ["sim:0"], extraSettings: settings,
            services: s => FaultyGrainStorage.Install(s, state));
        using var clips = new TempDirectory();
        var clip = await MediaFacts.MakeClipAsync(clips.Combine("clip.mp4"), 64, 48, seconds: 1);
        cluster.SiloStore.Fail(nameof(cluster.Store.PutFileAsync), key => key.Contains("/chunks/", StringComparison.Ordinal), times: -1);
        var changed = state.Spoil(FaultyGrainStorage.Fault.ChangedBehind, job => job.Status == JobStatus.Failed);

        var job = await cluster.SubmitAsync(clip, 2);
        // Before, the activation kept its stale copy: every save of the end was refused, and the job read PROCESSING for ever.
        var done = await VsrTestCluster.WaitForEndAsync(job, TimeSpan.FromSeconds(45));

        Assert.Equal(1, changed.Spoiled);
        Assert.Equal(JobStatus.Failed, done.Status);
        Assert.Equal(2, state.Reads(job.GetGrainId()));
    }

    [Fact]
    public async Task A_cancel_that_comes_while_the_end_is_being_saved_ends_the_job_cancelled_when_that_save_fails()
    {
        var state = new FaultyGrainStorage.Faults();
        await using var cluster = await VsrTestCluster.StartAsync(devices: ["sim:0"], extraSettings: Settings,
            services: s => FaultyGrainStorage.Install(s, state));
        using var clips = new TempDirectory();
        var clip = await MediaFacts.MakeClipAsync(clips.Combine("clip.mp4"), 64, 48, seconds: 1);
        var lost = state.Spoil(FaultyGrainStorage.Fault.HoldThenError, job => job.Status == JobStatus.Completed);

        var job = await cluster.SubmitAsync(clip, 2);
        await UntilTheEndIsBeingSavedAsync(lost);

        // The cancel waits for the held save (before, it answered at once); it is given 2 s to arrive before the release.
        var cancel = job.Cancel().AsTask();
        await Task.WhenAny(cancel, Task.Delay(TimeSpan.FromSeconds(2)));
        state.Release();
        var answer = await cancel;
        // Long enough for the run's retry of its end (200 ms here) to have saved COMPLETED, had it gone on.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var later = await job.GetSnapshot();

        // Before, the cancel returned at once (the end looked under way), and the run then saved COMPLETED on its retry.
        Assert.Equal(JobStatus.Cancelled, answer.Status);
        Assert.Equal(JobStatus.Cancelled, later.Status);
        Assert.Null(later.OutputKey);
    }

    [Fact]
    public async Task While_a_jobs_end_is_being_saved_it_reads_as_it_was_stored()
    {
        var state = new FaultyGrainStorage.Faults();
        await using var cluster = await VsrTestCluster.StartAsync(devices: ["sim:0"], extraSettings: Settings,
            services: s => FaultyGrainStorage.Install(s, state));
        using var clips = new TempDirectory();
        var clip = await MediaFacts.MakeClipAsync(clips.Combine("clip.mp4"), 64, 48, seconds: 1);
        var slow = state.Spoil(FaultyGrainStorage.Fault.Hold, job => job.Status == JobStatus.Completed);

        var job = await cluster.SubmitAsync(clip, 2);
        await UntilTheEndIsBeingSavedAsync(slow);

        // The save of COMPLETED may still fail and be taken back: no COMPLETED and no output to download before it lands.
        var during = await job.GetSnapshot();
        state.Release();
        var done = await VsrTestCluster.WaitForEndAsync(job, TimeSpan.FromMinutes(1));

        Assert.Equal((JobStatus.Processing, null, null), (during.Status, during.OutputKey, during.CompletedAt));
        Assert.True(done.Status == JobStatus.Completed, $"job ended {done.Status}: {done.Error}");
        Assert.NotNull(done.OutputKey);
    }

    [Fact]
    public async Task A_completed_job_stays_completed_when_its_clean_up_fails()
    {
        await using var cluster = await VsrTestCluster.StartAsync(devices: ["sim:0", "sim:1"], extraSettings: Settings);
        using var clips = new TempDirectory();
        var clip = await MediaFacts.MakeClipAsync(clips.Combine("clip.mp4"), 64, 48, seconds: 1);
        var fault = cluster.SiloStore.Fail(nameof(cluster.Store.DeletePrefixAsync), _ => true, times: -1);

        var job = await cluster.SubmitAsync(clip, 2);
        var done = await VsrTestCluster.WaitForEndAsync(job, TimeSpan.FromMinutes(2));
        await Task.Delay(TimeSpan.FromSeconds(1));
        var later = await job.GetSnapshot();

        Assert.True(fault.Failed > 0, "the clean-up was never tried");
        Assert.True(done.Status == JobStatus.Completed, $"job ended {done.Status}: {done.Error}");
        Assert.Equal(JobStatus.Completed, later.Status);
        Assert.Null(later.Error);
        Assert.Equal(JobStatus.Completed, (await job.Cancel()).Status);
    }

    [Fact]
    public async Task A_submission_delivered_again_after_the_reminder_failed_to_register_runs_the_job()
    {
        var reminders = new FaultyReminderTable.Faults();
        await using var cluster = await VsrTestCluster.StartAsync(devices: ["sim:0", "sim:1"], extraSettings: Settings,
            services: s => FaultyReminderTable.Install(s, reminders));
        using var clips = new TempDirectory();
        var clip = await MediaFacts.MakeClipAsync(clips.Combine("clip.mp4"), 64, 48, seconds: 1);
        var (job, key) = await cluster.StoreSourceAsync(clip);
        var request = new JobRequest(key, "clip.mp4", 2, "realesr-animevideov3", JobContent.Auto, false, false);

        reminders.FailNextUpserts(1);
        await Assert.ThrowsAnyAsync<Exception>(async () => await job.Submit(request));
        Assert.Equal(JobStatus.Pending, (await job.GetSnapshot()).Status);
        await job.Submit(request);
        var done = await VsrTestCluster.WaitForEndAsync(job, TimeSpan.FromSeconds(60));

        Assert.True(done.Status == JobStatus.Completed, $"job ended {done.Status}: {done.Error}");
    }

    [Fact]
    public async Task A_job_saved_whose_every_delivery_then_failed_at_the_reminder_runs_when_its_submission_is_dead_lettered()
    {
        var reminders = new FaultyReminderTable.Faults();
        await using var cluster = await VsrTestCluster.StartAsync(devices: ["sim:0"], extraSettings: Settings,
            services: s => FaultyReminderTable.Install(s, reminders));
        using var clips = new TempDirectory();
        var clip = await MediaFacts.MakeClipAsync(clips.Combine("clip.mp4"), 64, 48, seconds: 1);
        var (job, key) = await cluster.StoreSourceAsync(clip);
        var request = new JobRequest(key, "clip.mp4", 2, "realesr-animevideov3", JobContent.Auto, false, false);

        // Every delivery saves or finds PENDING and then fails to hold the reminder; the queue gives up on the message.
        reminders.FailNextUpserts(2);
        for (var delivery = 0; delivery < 2; delivery++)
        {
            await Assert.ThrowsAnyAsync<Exception>(async () => await job.Submit(request));
        }

        // A client polling all along keeps the activation alive, so no new activation would pick the job up.
        Assert.Equal(JobStatus.Pending, (await job.GetSnapshot()).Status);
        await job.FailSubmission(request, "The job could not be started after 2 tries: the reminder table is down. Submit the video again.",
            DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);
        var done = await VsrTestCluster.WaitForEndAsync(job, TimeSpan.FromSeconds(60));

        Assert.True(done.Status == JobStatus.Completed, $"job ended {done.Status}: {done.Error}");
    }

    /// <summary>Waits until <paramref name="rule"/> has caught the job's save of its end.</summary>
    private static async Task UntilTheEndIsBeingSavedAsync(FaultyGrainStorage.Rule rule)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (rule.Spoiled == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the job never saved its end");
            await Task.Delay(50);
        }
    }
}
