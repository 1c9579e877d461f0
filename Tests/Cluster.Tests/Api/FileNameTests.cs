using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Vsr.Queue;
using Vsr.Storage;
using static Vsr.Cluster.Tests.Api.ApiProblems;

namespace Vsr.Cluster.Tests.Api;

[Collection(EdgeApiCollection.Name)]
public sealed class FileNameTests(EdgeApiFixture api) : IDisposable
{
    private HttpClient Http => api.Client;

    [Theory]
    [InlineData("x/")]
    [InlineData(" ")]
    public async Task A_video_sent_without_a_usable_file_name_is_queued_under_a_default_name(string fileName)
    {
        var clip = await Support.MediaFacts.MakeClipAsync(api.Factory.Temp.Combine("nameless.mp4"), 64, 48, seconds: 1);
        api.Queue.Deliver = false;

        using var submit = await Http.PostAsync("/v1/jobs", Upload(clip, "2", fileName));

        Assert.Equal(HttpStatusCode.Accepted, submit.StatusCode);
        var id = (await submit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        // What a queue consumer does with the message: it must decode.
        var queued = SubmitJobCodec.Decode(SubmitJobCodec.Encode(api.Queue.Published.Single(m => m.JobId == id)));
        Assert.StartsWith("video", queued.FileName, StringComparison.Ordinal);
        using var status = await Http.GetAsync($"/v1/jobs/{id}");
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        var job = await status.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("PENDING", job.GetProperty("status").GetString());
        Assert.Equal(queued.FileName, job.GetProperty("fileName").GetString());
    }

    [Fact]
    public async Task A_file_name_sent_with_its_windows_path_keeps_only_its_last_part()
    {
        var clip = await Support.MediaFacts.MakeClipAsync(api.Factory.Temp.Combine("pathed.mp4"), 64, 48, seconds: 1);
        api.Queue.Deliver = false;

        using var submit = await Http.PostAsync("/v1/jobs", Upload(clip, "2", @"C:\Users\me\holiday.mp4"));

        Assert.Equal(HttpStatusCode.Accepted, submit.StatusCode);
        var id = (await submit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal("holiday.mp4", api.Queue.Published.Single(m => m.JobId == id).FileName);
    }

    [Fact]
    public async Task A_stored_request_that_cannot_be_read_reads_as_a_failed_job_not_a_500()
    {
        var id = Guid.NewGuid();
        var store = api.Factory.Services.GetRequiredService<IObjectStore>();
        await store.PutAsync($"jobs/{id:N}/request.json", new MemoryStream("{\"schemaVersion\":1}"u8.ToArray()), CancellationToken.None);

        using var status = await Http.GetAsync($"/v1/jobs/{id}");
        using var output = await Http.GetAsync($"/v1/jobs/{id}/output");
        using var events = await Http.GetAsync($"/v1/jobs/{id}/events").WaitAsync(TimeSpan.FromSeconds(30));
        using var cancel = await Http.DeleteAsync($"/v1/jobs/{id}");

        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        var job = await status.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("FAILED", job.GetProperty("status").GetString());
        Assert.Contains("submit the video again", job.GetProperty("error").GetString(), StringComparison.OrdinalIgnoreCase);
        var problem = await AssertProblemAsync(output, 409);
        Assert.Contains("failed", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("\"status\":\"FAILED\"", await events.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal("FAILED", (await cancel.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }

    public void Dispose() => api.Queue.Reset();
}
