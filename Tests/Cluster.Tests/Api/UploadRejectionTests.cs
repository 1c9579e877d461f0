using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using static Vsr.Cluster.Tests.Api.ApiProblems;

namespace Vsr.Cluster.Tests.Api;

[Collection(EdgeApiCollection.Name)]
public sealed class UploadRejectionTests(EdgeApiFixture api)
{
    private HttpClient Http => api.Client;

    [Fact]
    public async Task Direct_uploads_on_a_filesystem_store_get_501_naming_the_file_field()
    {
        using var response = await Http.PostAsync("/v1/uploads?fileName=clip.mp4", null);

        var problem = await AssertProblemAsync(response, 501);
        Assert.Contains("'file' field", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef.mp4", null, 501, "'file' field")]
    [InlineData("0123456789abcdef0123456789abcdef.mp4", "file", 400, "either the field 'file' or 'uploadId'")]
    [InlineData("0123456789abcdef0123456789abcdef.mp4", "key", 400, "leave the Idempotency-Key header out")]
    public async Task A_submit_naming_an_upload_is_checked_before_anything_is_stored(string uploadId, string? also, int status, string detail)
    {
        var form = new MultipartFormDataContent { { new StringContent(uploadId), "uploadId" } };
        if (also == "file")
        {
            form.Add(new ByteArrayContent([1, 2, 3]), "file", "clip.mp4");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/jobs") { Content = form };
        if (also == "key")
        {
            request.Headers.Add("Idempotency-Key", "upload-and-key");
        }

        using var response = await Http.SendAsync(request);

        var problem = await AssertProblemAsync(response, status);
        Assert.Contains(detail, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Multipart_without_a_boundary_gets_400()
    {
        var body = new ByteArrayContent(Encoding.ASCII.GetBytes("no parts here"));
        body.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data");

        using var response = await Http.PostAsync("/v1/jobs", body);

        var problem = await AssertProblemAsync(response, 400);
        Assert.Contains("boundary", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_truncated_multipart_body_gets_400()
    {
        const string Cut = "--cut\r\nContent-Disposition: form-data; name=\"file\"; filename=\"clip.mp4\"\r\nContent-Type: video/mp4\r\n\r\nthe bytes stop here";
        var body = new ByteArrayContent(Encoding.ASCII.GetBytes(Cut));
        body.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=cut");

        using var response = await Http.PostAsync("/v1/jobs", body);

        await AssertProblemAsync(response, 400);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_upload_over_the_size_limit_gets_413(bool chunked)
    {
        var file = new ByteArrayContent(new byte[EdgeApiFixture.MaxUploadBytes + 50_000]);
        file.Headers.ContentType = MediaTypeHeaderValue.Parse("video/mp4");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/jobs") { Content = new MultipartFormDataContent { { file, "file", "big.mp4" } } };
        request.Headers.TransferEncodingChunked = chunked;

        using var response = await Http.SendAsync(request);

        var problem = await AssertProblemAsync(response, 413);
        Assert.Contains(EdgeApiFixture.MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_video_sent_as_a_text_field_gets_400_once_the_field_passes_its_limit()
    {
        // curl -F 'file=<clip.mp4' (a '<' for an '@'): the bytes come as a text field, which used to be read whole into memory.
        var form = new MultipartFormDataContent { { new ByteArrayContent(new byte[100_000]), "file" } };

        using var response = await Http.PostAsync("/v1/jobs", form);

        var problem = await AssertProblemAsync(response, 400);
        Assert.Contains("'file' holds more than 16384 bytes", problem.GetProperty("detail").GetString());
        Assert.Contains("-F 'file=@clip.mp4'", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_form_with_a_file_part_but_no_file_field_says_what_is_missing()
    {
        var form = new MultipartFormDataContent { { new ByteArrayContent([1, 2, 3]), "video", "clip.mp4" }, { new StringContent("2"), "scale" } };

        using var response = await Http.PostAsync("/v1/jobs", form);

        var problem = await AssertProblemAsync(response, 400);
        Assert.Contains("'file' is missing or empty", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_progress_feed_recheck_interval_that_would_spin_stops_the_API_at_start()
    {
        await using var factory = new ApiFactory(new Dictionary<string, string> { ["Vsr:Api:EventRecheckInterval"] = "00:00:00" });

        var refused = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("EventRecheckInterval", refused.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_header_line_over_the_readers_limit_is_a_malformed_form_not_a_too_large_upload()
    {
        var body = "--cut\r\nContent-Disposition: form-data; name=\"scale\"; note=\"" + new string('x', 17_000) + "\"\r\n\r\n2\r\n--cut--\r\n";
        var content = new ByteArrayContent(Encoding.ASCII.GetBytes(body));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=cut");

        using var response = await Http.PostAsync("/v1/jobs", content);

        await AssertProblemAsync(response, 400);
    }

    [Fact]
    public async Task A_scratch_directory_that_cannot_be_written_answers_503_not_the_clients_fault()
    {
        using var temp = new Support.TempDirectory("vsr-scratch");
        var notADirectory = temp.Combine("a-file");
        await File.WriteAllBytesAsync(notADirectory, [1]);
        await using var factory = new ApiFactory(new Dictionary<string, string> { ["Vsr:Api:ScratchDirectory"] = notADirectory });
        using var http = factory.CreateClient();
        var clip = await Support.MediaFacts.MakeClipAsync(temp.Combine("clip.mp4"), 64, 48, seconds: 1);

        using var response = await http.PostAsync("/v1/jobs", Upload(clip, "2"));

        var problem = await AssertProblemAsync(response, 503);
        Assert.Equal("Upload could not be stored", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task An_upload_past_the_concurrent_upload_limit_gets_503_with_retry_after()
    {
        await using var factory = new ApiFactory(new Dictionary<string, string> { ["Vsr:Api:MaxConcurrentUploads"] = "1" });
        using var http = factory.CreateClient();
        var clip = await Support.MediaFacts.MakeClipAsync(factory.Temp.Combine("slots.mp4"), 64, 48, seconds: 1);
        var slots = factory.Services.GetRequiredService<Vsr.Api.Jobs.UploadSlots>();

        // The one place is taken, as by an upload still being received.
        HttpResponseMessage refused;
        using (Assert.IsAssignableFrom<IDisposable>(slots.TryTake()))
        {
            refused = await http.PostAsync("/v1/jobs", Upload(clip, "2"));
        }

        using var accepted = await http.PostAsync("/v1/jobs", Upload(clip, "2"));

        var problem = await AssertProblemAsync(refused, 503);
        Assert.Contains("Vsr:Api:MaxConcurrentUploads", problem.GetProperty("detail").GetString());
        Assert.Equal(TimeSpan.FromSeconds(30), refused.Headers.RetryAfter?.Delta);
        refused.Dispose();
        Assert.Equal(System.Net.HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.NotNull(slots.TryTake());
    }

    [Fact]
    public async Task A_urlencoded_form_gets_415()
    {
        using var response = await Http.PostAsync("/v1/jobs", new FormUrlEncodedContent(new Dictionary<string, string> { ["scale"] = "2" }));

        await AssertProblemAsync(response, 415);
    }
}
