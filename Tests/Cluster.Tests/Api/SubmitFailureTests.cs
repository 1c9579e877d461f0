using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vsr.Cluster.Tests.Support;
using static Vsr.Cluster.Tests.Api.ApiProblems;

namespace Vsr.Cluster.Tests.Api;

[Collection(EdgeApiCollection.Name)]
public sealed class SubmitFailureTests(EdgeApiFixture api) : IDisposable
{
    private HttpClient Http => api.Client;

    [Fact]
    public async Task A_client_that_disconnects_while_the_job_is_being_queued_still_gets_its_job_queued()
    {
        var clip = await MediaFacts.MakeClipAsync(api.Factory.Temp.Combine("disconnect.mp4"), 64, 48, seconds: 1);
        var publishing = new TaskCompletionSource<Guid>(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        api.Queue.BeforePublish = async (message, token) =>
        {
            publishing.TrySetResult(message.JobId);
            // A broker's publish retries honour the token they are given, as this wait does.
            await release.Task.WaitAsync(token);
        };

        using var disconnect = new CancellationTokenSource();
        var submit = Http.PostAsync("/v1/jobs", Upload(clip, "2"), disconnect.Token);
        var id = await publishing.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await disconnect.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => submit);
        await Task.Delay(500);
        release.SetResult();

        var status = await WaitWhilePendingAsync(id, TimeSpan.FromSeconds(60));
        Assert.True(status is "PROCESSING" or "COMPLETED", $"the job should have been queued, but reads {status}");
    }

    [Fact]
    public async Task A_publish_that_fails_unexpectedly_leaves_nothing_behind()
    {
        var clip = await MediaFacts.MakeClipAsync(api.Factory.Temp.Combine("failing.mp4"), 64, 48, seconds: 1);
        var attempted = Guid.Empty;
        api.Queue.BeforePublish = (message, _) =>
        {
            attempted = message.JobId;
            throw new InvalidOperationException("the broker channel closed");
        };

        using var submit = await Http.PostAsync("/v1/jobs", Upload(clip, "2"));

        await AssertProblemAsync(submit, 500);
        Assert.NotEqual(Guid.Empty, attempted);
        Assert.Empty(api.StoredKeys(attempted));
        using var status = await Http.GetAsync($"/v1/jobs/{attempted}");
        await AssertProblemAsync(status, 404);
    }

    public void Dispose() => api.Queue.Reset();

    private async Task<string?> WaitWhilePendingAsync(Guid id, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        string? status;
        do
        {
            await Task.Delay(200);
            using var response = await Http.GetAsync($"/v1/jobs/{id}");
            status = response.StatusCode == HttpStatusCode.OK
                ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString()
                : response.StatusCode.ToString();
        }
        while (status == "PENDING" && DateTime.UtcNow < deadline);
        return status;
    }
}
