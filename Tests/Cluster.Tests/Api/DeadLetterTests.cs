using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Vsr.Queue;
using Vsr.Queue.InProcess;
using static Vsr.Cluster.Tests.Api.ApiProblems;

namespace Vsr.Cluster.Tests.Api;

/// <summary>The API with a silo that cannot accept any job (as while its database is down).</summary>
public sealed class DeadLetterTests
{
    private const int MaxDeliveries = 2;

    [Fact]
    public async Task A_submission_dead_lettered_after_every_delivery_failed_reads_as_failed_with_the_reason_and_its_upload_is_gone()
    {
        await using var factory = new ApiFactory(
            new Dictionary<string, string>
            {
                ["Vsr:Queue:InProcess:MaxDeliveries"] = MaxDeliveries.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Vsr:Queue:InProcess:RetryDelay"] = "00:00:00.050",
            },
            services => services.AddSingleton<ISubmitJobHandler>(new SubmitJobHandler((_, _) =>
                throw new InvalidOperationException("the job store is unreachable"))));
        using var http = factory.CreateClient();
        var clip = await Support.MediaFacts.MakeClipAsync(factory.Temp.Combine("doomed.mp4"), 64, 48, seconds: 1);

        using var submit = await http.PostAsync("/v1/jobs", Upload(clip, "2"));
        Assert.Equal(HttpStatusCode.Accepted, submit.StatusCode);
        var id = (await submit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var job = await WaitWhilePendingAsync(http, id, TimeSpan.FromSeconds(30));
        Assert.Equal("FAILED", job.GetProperty("status").GetString());
        var error = job.GetProperty("error").GetString();
        Assert.Contains($"after {MaxDeliveries} tries", error, StringComparison.Ordinal);
        Assert.Contains("the job store is unreachable", error, StringComparison.Ordinal);
        Assert.Contains("Submit the video again", error, StringComparison.Ordinal);
        var sourceKey = factory.Services.GetRequiredService<InProcessJobQueue>().DeadLetters.Single(d => d.Message?.JobId == id).Message!.SourceKey;
        Assert.False(File.Exists(Path.Combine(factory.ObjectsDirectory, sourceKey)), "the upload of a job that never started is deleted");
        using var output = await http.GetAsync($"/v1/jobs/{id}/output");
        await AssertProblemAsync(output, 409);
    }

    [Fact]
    public async Task A_dead_lettered_submission_with_a_callback_reports_its_failure_there()
    {
        using var receiver = new Support.CallbackReceiver(HttpStatusCode.NoContent);
        await using var factory = new ApiFactory(
            new Dictionary<string, string>
            {
                ["Vsr:Queue:InProcess:MaxDeliveries"] = MaxDeliveries.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Vsr:Queue:InProcess:RetryDelay"] = "00:00:00.050",
                ["Vsr:Webhooks:AllowedHosts:0"] = "127.0.0.1",
            },
            services => services.AddSingleton<ISubmitJobHandler>(new SubmitJobHandler((_, _) =>
                throw new InvalidOperationException("the job store is unreachable"))));
        using var http = factory.CreateClient();
        var clip = await Support.MediaFacts.MakeClipAsync(factory.Temp.Combine("doomed-hook.mp4"), 64, 48, seconds: 1);
        var form = Upload(clip, "2");
        form.Add(new StringContent(receiver.Url), "callbackUrl");

        using var submit = await http.PostAsync("/v1/jobs", form);
        var id = (await submit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        // The receiver has the POST before the grain has its answer and saves the delivery: wait for the saved one.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonElement job;
        do
        {
            await Task.Delay(100);
            job = await http.GetFromJsonAsync<JsonElement>($"/v1/jobs/{id}");
        }
        while (!(job.TryGetProperty("callback", out var c) && c.ValueKind == JsonValueKind.Object && c.GetProperty("status").GetString() == "DELIVERED")
            && DateTime.UtcNow < deadline);

        var post = Assert.Single(receiver.Received);
        using var body = JsonDocument.Parse(post.Body);
        Assert.Equal("job.failed", body.RootElement.GetProperty("type").GetString());
        var data = body.RootElement.GetProperty("data");
        Assert.Equal((id, "FAILED"), (data.GetProperty("id").GetGuid(), data.GetProperty("status").GetString()));
        Assert.Contains("the job store is unreachable", data.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("FAILED", job.GetProperty("status").GetString());
        Assert.Equal(data.GetProperty("error").GetString(), job.GetProperty("error").GetString());
        Assert.Equal("DELIVERED", job.GetProperty("callback").GetProperty("status").GetString());
        // The job's times are the submission's and the dead letter's, as the API showed them before the grain knew the job.
        var letter = factory.Services.GetRequiredService<InProcessJobQueue>().DeadLetters.Single(d => d.Message?.JobId == id);
        Assert.Equal(letter.Message!.SubmittedAt, job.GetProperty("createdAt").GetDateTimeOffset());
        Assert.Equal(letter.DeadLetteredAt, job.GetProperty("completedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_progress_feed_opened_while_queued_ends_FAILED_when_the_submission_is_dead_lettered()
    {
        await using var factory = new ApiFactory(
            new Dictionary<string, string>
            {
                ["Vsr:Queue:InProcess:MaxDeliveries"] = MaxDeliveries.ToString(System.Globalization.CultureInfo.InvariantCulture),
                // Slow enough that the feed is open before the submission is given up on, also on a loaded machine
                // (at 1 s the feed once opened after it, on a CI-sized machine running the whole suite).
                ["Vsr:Queue:InProcess:RetryDelay"] = "00:00:04",
                ["Vsr:Api:EventRecheckInterval"] = "00:00:00.200",
            },
            services => services.AddSingleton<ISubmitJobHandler>(new SubmitJobHandler((_, _) =>
                throw new InvalidOperationException("the job store is unreachable"))));
        using var http = factory.CreateClient();
        var clip = await Support.MediaFacts.MakeClipAsync(factory.Temp.Combine("watched.mp4"), 64, 48, seconds: 1);
        using var submit = await http.PostAsync("/v1/jobs", Upload(clip, "2"));
        var id = (await submit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        using var feed = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var events = await http.GetAsync($"/v1/jobs/{id}/events", HttpCompletionOption.ResponseHeadersRead, feed.Token);
        var data = (await events.Content.ReadAsStringAsync(feed.Token)).Split('\n')
            .Where(l => l.StartsWith("data: ", StringComparison.Ordinal))
            .Select(l => JsonDocument.Parse(l["data: ".Length..]).RootElement.GetProperty("status").GetString())
            .ToList();

        Assert.Equal("PENDING", data[0]);
        Assert.Equal("FAILED", data[^1]);
    }

    [Fact]
    public async Task A_job_saved_before_its_submission_was_dead_lettered_runs_on_with_its_upload()
    {
        // As when the job grain saved PENDING and started, and then every delivery failed at a later step (say the
        // reminder table): the job exists, so the dead letter must not take its upload.
        await using var factory = new ApiFactory(
            new Dictionary<string, string>
            {
                ["Vsr:Queue:InProcess:MaxDeliveries"] = MaxDeliveries.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Vsr:Queue:InProcess:RetryDelay"] = "00:00:00.050",
                // A simulated device, slow enough that the job is still running when its submission is dead-lettered.
                ["Vsr:Devices:0"] = "sim:0",
                ["Vsr:Simulation:FrameLatency"] = "00:00:00.200",
            },
            services => services.AddSingleton<ISubmitJobHandler>(provider => new SubmitJobHandler(async (message, _) =>
            {
                await provider.GetRequiredService<IGrainFactory>().GetGrain<Grains.Jobs.IJobGrain>(message.JobId).Submit(new Grains.Jobs.JobRequest(
                    message.SourceKey, message.FileName, message.Scale, message.Model, message.Content, message.Denoise, message.Deblock));
                throw new InvalidOperationException("the reminder table is unreachable");
            })));
        using var http = factory.CreateClient();
        var clip = await Support.MediaFacts.MakeClipAsync(factory.Temp.Combine("saved.mp4"), 64, 48, seconds: 1);

        using var submit = await http.PostAsync("/v1/jobs", Upload(clip, "2"));
        var id = (await submit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var queue = factory.Services.GetRequiredService<InProcessJobQueue>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!queue.DeadLetters.Any(d => d.Message?.JobId == id) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var letter = queue.DeadLetters.Single(d => d.Message?.JobId == id);
        // The observers run once the letter is listed; a second is ample for them, and far short of the job's 5 s of frames.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var uploadKeptWhileRunning = File.Exists(Path.Combine(factory.ObjectsDirectory, letter.Message!.SourceKey));
        var statusWhenDeadLettered = (await http.GetFromJsonAsync<JsonElement>($"/v1/jobs/{id}")).GetProperty("status").GetString();
        var job = await WaitUntilEndedAsync(http, id, TimeSpan.FromMinutes(2));

        Assert.True(uploadKeptWhileRunning, "the dead letter deleted the upload of a job that runs");
        Assert.Contains(statusWhenDeadLettered, new[] { "PENDING", "PROCESSING" });
        Assert.True(job.GetProperty("status").GetString() == "COMPLETED", job.ToString());
        using var output = await http.GetAsync($"/v1/jobs/{id}/output");
        Assert.Equal(HttpStatusCode.OK, output.StatusCode);
    }

    private static async Task<JsonElement> WaitUntilEndedAsync(HttpClient http, Guid id, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonElement job;
        do
        {
            await Task.Delay(100);
            job = await http.GetFromJsonAsync<JsonElement>($"/v1/jobs/{id}");
        }
        while (job.GetProperty("status").GetString() is "PENDING" or "PROCESSING" && DateTime.UtcNow < deadline);
        return job;
    }

    private static async Task<JsonElement> WaitWhilePendingAsync(HttpClient http, Guid id, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonElement job;
        do
        {
            await Task.Delay(100);
            job = await http.GetFromJsonAsync<JsonElement>($"/v1/jobs/{id}");
        }
        while (job.GetProperty("status").GetString() == "PENDING" && DateTime.UtcNow < deadline);
        return job;
    }
}
