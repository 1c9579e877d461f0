using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Vsr.Cluster.Tests.Support;

namespace Vsr.Cluster.Tests.Api;

[Collection(EdgeApiCollection.Name)]
public sealed class IdempotencyTests(EdgeApiFixture api) : IDisposable
{
    private HttpClient Http => api.Client;

    [Fact]
    public async Task Two_simultaneous_posts_with_one_idempotency_key_make_one_job_and_both_get_it()
    {
        var clip = await MediaFacts.MakeClipAsync(api.Factory.Temp.Combine("twice.mp4"), 64, 48, seconds: 1);
        var bytes = await File.ReadAllBytesAsync(clip);
        var key = Guid.NewGuid().ToString();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        api.Queue.Deliver = false;
        var bodies = new[] { new HeldBackStream(bytes, release.Task), new HeldBackStream(bytes, release.Task) };

        async Task<(HttpStatusCode Status, string Body)> PostAsync(Stream body)
        {
            var file = new StreamContent(body);
            file.Headers.ContentType = MediaTypeHeaderValue.Parse("video/mp4");
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/jobs")
            {
                Content = new MultipartFormDataContent { { file, "file", "twice.mp4" }, { new StringContent("2"), "scale" } },
            };
            request.Headers.Add("Idempotency-Key", key);
            using var response = await Http.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        var posts = bodies.Select(PostAsync).ToList();
        await Task.WhenAll(bodies.Select(b => b.Started)).WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(300);
        release.SetResult();
        var answers = await Task.WhenAll(posts);

        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.Accepted, $"{a.Status}: {a.Body}"));
        var ids = answers.Select(a => JsonDocument.Parse(a.Body).RootElement.GetProperty("id").GetGuid()).Distinct().ToList();
        var id = Assert.Single(ids);
        // One job's request: the post that found it stored published it again, in case its own publisher's never got out.
        Assert.Single(api.Queue.Published.Where(m => m.JobId == id).Distinct());
        Assert.Equal([$"jobs/{id:N}/request.json", $"jobs/{id:N}/source.mp4"], api.StoredKeys(id));
        using var status = await Http.GetAsync($"/v1/jobs/{id}");
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Equal("PENDING", (await status.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }

    public void Dispose() => api.Queue.Reset();
}
