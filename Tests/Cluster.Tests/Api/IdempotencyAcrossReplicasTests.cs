using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Vsr.Api.Jobs;
using Vsr.Cluster.Tests.Support;
using Vsr.Grains.Intake;
using Vsr.Queue;

namespace Vsr.Cluster.Tests.Api;

public sealed class IdempotencyAcrossReplicasTests(ApiReplicasFixture replicas) : IClassFixture<ApiReplicasFixture>, IDisposable
{
    private static readonly TimeSpan Lease = ApiReplicasFixture.SubmissionLease;

    [Fact]
    public async Task Two_posts_with_one_key_on_two_replicas_store_in_turn_so_a_failed_publish_removes_nothing_of_the_other()
    {
        var clip = await MediaFacts.MakeClipAsync(replicas.First.Temp.Combine("twice.mp4"), 64, 48, seconds: 1);
        var bytes = await File.ReadAllBytesAsync(clip);
        var key = Guid.NewGuid().ToString();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bodies = new[] { new HeldBackStream(bytes, release.Task), new HeldBackStream(bytes, release.Task) };
        var (firstPublishing, secondPublishing, failFirst) = FailTheFirstPublish();

        // Both find no job yet and read their uploads at once; which one stores first is up to the race.
        var posts = new[] { PostAsync(replicas.FirstClient, bodies[0], key), PostAsync(replicas.SecondClient, bodies[1], key) };
        await Task.WhenAll(bodies.Select(b => b.Started)).WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(300);
        release.SetResult();
        await firstPublishing.WaitAsync(TimeSpan.FromSeconds(60));
        // Longer than two leases: the publishing request's renewals keep the other one waiting all along.
        await Task.WhenAny(secondPublishing, Task.Delay(Lease * 2.5));
        failFirst.SetResult();
        var answers = await Task.WhenAll(posts);

        var failed = Assert.Single(answers, a => a.Status != HttpStatusCode.Accepted);
        Assert.True(failed.Status == HttpStatusCode.ServiceUnavailable, $"{failed.Status}: {failed.Body}");
        await AssertOneIntactPendingJobAsync(key, Assert.Single(answers, a => a.Status == HttpStatusCode.Accepted));
    }

    [Fact]
    public async Task A_retry_on_the_other_replica_while_the_first_request_publishes_waits_for_it_and_makes_the_job_when_the_publish_fails()
    {
        var video = await File.ReadAllBytesAsync(await MediaFacts.MakeClipAsync(replicas.First.Temp.Combine("retried.mp4"), 64, 48, seconds: 1));
        var key = Guid.NewGuid().ToString();
        var (firstPublishing, secondPublishing, failFirst) = FailTheFirstPublish();

        // The first request has stored its upload and request and hangs in the publish, as behind a slow broker; its
        // client gives up and retries with the same key, and the load balancer sends the retry to the other replica.
        var first = PostAsync(replicas.FirstClient, new MemoryStream(video), key);
        await firstPublishing.WaitAsync(TimeSpan.FromSeconds(60));
        var retry = PostAsync(replicas.SecondClient, new MemoryStream(video), key);
        await Task.WhenAny(retry, secondPublishing, Task.Delay(Lease * 2.5));
        failFirst.SetResult();
        var (firstStatus, firstBody) = await first;

        Assert.True(firstStatus == HttpStatusCode.ServiceUnavailable, $"{firstStatus}: {firstBody}");
        // Not the first request's job, which its failed publish removed: the retry made its own.
        await AssertOneIntactPendingJobAsync(key, await retry);
    }

    [Fact]
    public async Task A_publish_the_broker_never_answered_keeps_what_is_stored_and_the_retry_with_the_key_publishes_it_again()
    {
        var video = await File.ReadAllBytesAsync(await MediaFacts.MakeClipAsync(replicas.First.Temp.Combine("unanswered.mp4"), 64, 48, seconds: 1));
        var key = Guid.NewGuid().ToString();
        var id = QueuedRequest.IdFor(key);
        var publishes = 0;
        replicas.Queue.Deliver = false;
        replicas.Queue.BeforePublish = (_, _) => Interlocked.Increment(ref publishes) == 1
            ? throw new JobQueueUnavailableException("The broker did not confirm the message.", new TimeoutException()) { MayHaveBeenQueued = true }
            : Task.CompletedTask;

        // The broker may hold the message: removing the source would fail that job when a silo takes it.
        var (firstStatus, firstBody) = await PostAsync(replicas.FirstClient, new MemoryStream(video), key);
        Assert.True(firstStatus == HttpStatusCode.ServiceUnavailable, $"{firstStatus}: {firstBody}");
        Assert.Equal([$"jobs/{id:N}/request.json", $"jobs/{id:N}/source.mp4"], replicas.First.StoredKeys(id));

        // The retry the answer asks for finds the stored request, publishes it again and answers with its job.
        await AssertOneIntactPendingJobAsync(key, await PostAsync(replicas.SecondClient, new MemoryStream(video), key));
        Assert.Equal(2, publishes);
    }

    [Fact]
    public async Task A_claim_whose_holder_never_gives_it_back_is_taken_over_once_its_lease_runs_out()
    {
        var video = await File.ReadAllBytesAsync(await MediaFacts.MakeClipAsync(replicas.First.Temp.Combine("orphaned.mp4"), 64, 48, seconds: 1));
        var key = Guid.NewGuid().ToString();
        replicas.Queue.Deliver = false;

        // A replica that died while it held the key's claim: it neither renews nor releases it.
        var held = Stopwatch.StartNew();
        Assert.True(await replicas.Grains.GetGrain<ISubmissionGrain>(QueuedRequest.IdFor(key)).Claim(Guid.NewGuid(), Lease));
        var answer = await PostAsync(replicas.SecondClient, new MemoryStream(video), key);
        var waited = held.Elapsed;

        Assert.True(waited >= Lease, $"the request was answered {waited} after the claim was taken, inside its lease of {Lease}");
        Assert.True(waited < Lease + TimeSpan.FromSeconds(10), $"the request was answered only {waited} after the claim was taken");
        await AssertOneIntactPendingJobAsync(key, answer);
    }

    [Fact]
    public async Task A_request_that_goes_away_while_it_waits_for_the_key_leaves_the_key_free()
    {
        var video = await File.ReadAllBytesAsync(await MediaFacts.MakeClipAsync(replicas.First.Temp.Combine("abandoned.mp4"), 64, 48, seconds: 1));
        var key = Guid.NewGuid().ToString();
        var claim = replicas.Grains.GetGrain<ISubmissionGrain>(QueuedRequest.IdFor(key));
        var holder = Guid.NewGuid();
        Assert.True(await claim.Claim(holder, TimeSpan.FromMinutes(1)));

        using var disconnect = new CancellationTokenSource();
        var waiting = PostAsync(replicas.SecondClient, new MemoryStream(video), key, disconnect.Token);
        // The request waits for the claim to look for the job, before it reads its upload.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.False(waiting.IsCompleted, "the request did not wait for the claim");
        await disconnect.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        // The server learns of the disconnect on its own time; on a loaded machine that can take a moment.
        await Task.Delay(TimeSpan.FromSeconds(2));
        await claim.Release(holder);
        await Task.Delay(300);

        // The request that went away left the grain's line, so the claim is not held for it for a lease.
        var next = Stopwatch.StartNew();
        Assert.True(await claim.Claim(Guid.NewGuid(), Lease));
        Assert.True(next.Elapsed < Lease / 2, $"the claim came free only after {next.Elapsed}");
    }

    [Fact]
    public async Task A_request_whose_client_goes_away_while_it_waits_for_its_turn_after_the_upload_still_makes_the_job()
    {
        var clip = await MediaFacts.MakeClipAsync(replicas.First.Temp.Combine("left.mp4"), 64, 48, seconds: 1);
        var bytes = await File.ReadAllBytesAsync(clip);
        var key = Guid.NewGuid().ToString();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bodies = new[] { new HeldBackStream(bytes, release.Task), new HeldBackStream(bytes, release.Task) };
        var (firstPublishing, _, failFirst) = FailTheFirstPublish();
        var publisher = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var failing = replicas.Queue.BeforePublish!;
        replicas.Queue.BeforePublish = (message, cancellationToken) =>
        {
            publisher.TrySetResult(message.FileName);
            return failing(message, cancellationToken);
        };

        // Both find no job and read their uploads at once; one publishes, and the other waits for its turn.
        using var disconnect = new CancellationTokenSource();
        var posts = new[]
        {
            PostAsync(replicas.FirstClient, bodies[0], key, disconnect.Token, "first.mp4"),
            PostAsync(replicas.SecondClient, bodies[1], key, disconnect.Token, "second.mp4"),
        };
        await Task.WhenAll(bodies.Select(b => b.Started)).WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(300);
        release.SetResult();
        await firstPublishing.WaitAsync(TimeSpan.FromSeconds(60));
        var publishing = await publisher.Task;
        var waiting = posts[publishing == "first.mp4" ? 1 : 0];
        // The waiting one's upload is read and probed within this, and it still waits (at most five leases) when its
        // client goes away (and so does the publisher's): half that bound is generous for a 64x48 clip on a slow machine.
        await Task.Delay(Lease * 2.5);
        Assert.False(waiting.IsCompleted, "the second request did not wait for the claim");
        await disconnect.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        failFirst.SetResult();

        var id = QueuedRequest.IdFor(key);
        var published = Stopwatch.StartNew();
        while (!replicas.Queue.Published.Any(m => m.JobId == id) && published.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100);
        }

        Assert.NotEqual(publishing, Assert.Single(replicas.Queue.Published, m => m.JobId == id).FileName);
        await AssertOneIntactPendingJobAsync(key, (HttpStatusCode.Accepted, $"{{\"id\":\"{id}\"}}"));
    }

    [Fact]
    public async Task A_request_that_lost_its_claim_while_it_published_leaves_what_is_stored_to_the_request_that_took_the_claim_over_which_publishes_it_again()
    {
        var video = await File.ReadAllBytesAsync(await MediaFacts.MakeClipAsync(replicas.First.Temp.Combine("lost.mp4"), 64, 48, seconds: 1));
        var key = Guid.NewGuid().ToString();
        var id = QueuedRequest.IdFor(key);
        var (firstPublishing, _, failFirst) = FailTheFirstPublish();

        // The first request has stored its upload and request and hangs in the publish; then its replica is cut off from
        // the silo, so its renewals fail, and a retry on the other replica takes the claim over once the lease runs out.
        var first = PostAsync(replicas.SecondClient, new MemoryStream(video), key);
        await firstPublishing.WaitAsync(TimeSpan.FromSeconds(60));
        replicas.CutOffSecondsRenewals = true;
        var retry = await PostAsync(replicas.FirstClient, new MemoryStream(video), key).WaitAsync(Lease * 5);
        // At once: the first request's renewals may not have noticed the loss yet, so it must ask the grain before it
        // removes anything.
        failFirst.SetResult();
        var (firstStatus, firstBody) = await first;

        Assert.True(firstStatus == HttpStatusCode.ServiceUnavailable, $"{firstStatus}: {firstBody}");
        Assert.True(retry.Status == HttpStatusCode.Accepted, $"{retry.Status}: {retry.Body}");
        Assert.Equal(id, JsonDocument.Parse(retry.Body).RootElement.GetProperty("id").GetGuid());
        // The first request's own message never got out, so the retry published the stored request again: else the job
        // would read PENDING for good, with no message behind it.
        Assert.Single(replicas.Queue.Published, m => m.JobId == id);
        // The job the retry answered with is still there for it: the failed publish removed nothing.
        Assert.Equal([$"jobs/{id:N}/request.json", $"jobs/{id:N}/source.mp4"], replicas.First.StoredKeys(id));
        using var status = await replicas.FirstClient.GetAsync($"/v1/jobs/{id}");
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
    }

    public void Dispose()
    {
        replicas.Queue.Reset();
        replicas.CutOffSecondsRenewals = false;
    }

    /// <summary>
    /// Holds the first publish (of whichever request gets that far first) until <c>FailFirst</c> is set, then fails it
    /// as a broker that never confirmed; later publishes go through, undelivered, so their jobs stay PENDING.
    /// </summary>
    private (Task FirstPublishing, Task SecondPublishing, TaskCompletionSource FailFirst) FailTheFirstPublish()
    {
        var firstPublishing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondPublishing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var failFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var publishes = 0;
        replicas.Queue.Deliver = false;
        replicas.Queue.BeforePublish = async (_, _) =>
        {
            if (Interlocked.Increment(ref publishes) > 1)
            {
                secondPublishing.TrySetResult();
                return;
            }

            firstPublishing.SetResult();
            await failFirst.Task;
            throw new JobQueueUnavailableException("The broker did not confirm the message.", new TimeoutException());
        };
        return (firstPublishing.Task, secondPublishing.Task, failFirst);
    }

    /// <summary>The accepted answer names the key's job, published once, its upload and request stored, reading PENDING.</summary>
    private async Task AssertOneIntactPendingJobAsync(string key, (HttpStatusCode Status, string Body) accepted)
    {
        var id = QueuedRequest.IdFor(key);
        Assert.True(accepted.Status == HttpStatusCode.Accepted, $"{accepted.Status}: {accepted.Body}");
        Assert.Equal(id, JsonDocument.Parse(accepted.Body).RootElement.GetProperty("id").GetGuid());
        Assert.Single(replicas.Queue.Published, m => m.JobId == id);
        Assert.Equal([$"jobs/{id:N}/request.json", $"jobs/{id:N}/source.mp4"], replicas.First.StoredKeys(id));
        using var status = await replicas.SecondClient.GetAsync($"/v1/jobs/{id}");
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Equal("PENDING", (await status.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }

    private static async Task<(HttpStatusCode Status, string Body)> PostAsync(HttpClient http, Stream video, string key,
        CancellationToken cancellationToken = default, string fileName = "clip.mp4")
    {
        var file = new StreamContent(video);
        file.Headers.ContentType = MediaTypeHeaderValue.Parse("video/mp4");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/jobs")
        {
            Content = new MultipartFormDataContent { { file, "file", fileName }, { new StringContent("2"), "scale" } },
        };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await http.SendAsync(request, cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }
}
