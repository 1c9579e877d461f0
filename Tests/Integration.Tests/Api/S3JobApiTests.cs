using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Vsr.Integration.Tests.Support;

namespace Vsr.Integration.Tests.Api;

/// <summary>
/// The API in embedded mode with the S3 object store (moto_server): the upload, the chunks and the output all live in
/// S3, and the finished video is handed out as a redirect to a presigned URL, or streamed by the API.
/// </summary>
public sealed class S3JobApiTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("vsr-s3-api-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_job_stored_in_S3_completes_and_its_output_is_a_presigned_redirect()
    {
        await using var factory = new S3ApiFactory(_root);
        using var http = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var id = await RunJobAsync(http);

        using var output = await http.GetAsync($"/v1/jobs/{id}/output");
        Assert.Equal(HttpStatusCode.Redirect, output.StatusCode);
        var location = output.Headers.Location!;
        Assert.StartsWith(TestServices.S3Endpoint, location.ToString(), StringComparison.Ordinal);

        using var direct = new HttpClient();
        using var download = await direct.GetAsync(location);
        download.EnsureSuccessStatusCode();
        var bytes = await download.Content.ReadAsByteArrayAsync();
        Assert.True(bytes.Length > 1000, $"the presigned URL served {bytes.Length} bytes");
        Assert.Equal("ftyp"u8.ToArray(), bytes[4..8]);
        // Typed and named as the API's own streamed download is: the type is stored with the object, and the URL asks
        // S3 for both (moto_server ignores S3's response-content-* parameters, so only the request is checked for the name).
        Assert.Equal("video/mp4", download.Content.Headers.ContentType?.MediaType);
        var query = System.Web.HttpUtility.ParseQueryString(location.Query);
        Assert.Equal("video/mp4", query["response-content-type"]);
        Assert.Equal("clip-x2.mp4", ContentDispositionHeaderValue.Parse(query["response-content-disposition"]!).FileName?.Trim('"'));
    }

    [Fact]
    public async Task A_download_URL_lifetime_S3_cannot_sign_stops_the_API_at_start()
    {
        await using var factory = new S3ApiFactory(_root, settings: new Dictionary<string, string?> { ["Vsr:Api:DownloadUrlLifetime"] = "14.00:00:00" });

        var refused = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("DownloadUrlLifetime", refused.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_redirects_the_API_streams_the_output_from_S3_and_answers_a_range_request()
    {
        await using var factory = new S3ApiFactory(_root, redirectDownloads: false);
        using var http = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var id = await RunJobAsync(http);

        var whole = await http.GetByteArrayAsync($"/v1/jobs/{id}/output");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/jobs/{id}/output");
        request.Headers.Range = new RangeHeaderValue(100, 199);
        using var part = await http.SendAsync(request);

        Assert.Equal("ftyp"u8.ToArray(), whole[4..8]);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(whole.Length, part.Content.Headers.ContentRange?.Length);
        Assert.Equal(whole[100..200], await part.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_video_put_straight_into_S3_through_an_upload_URL_becomes_the_job_of_its_upload_id()
    {
        await using var factory = new S3ApiFactory(_root, redirectDownloads: false);
        using var http = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var clip = Path.Combine(_root, "direct.mp4");
        await TestClip.MakeAsync(clip, 64, 48, seconds: 1);

        using var created = await http.PostAsync("/v1/uploads?fileName=holiday.MP4", null);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var ticket = await created.Content.ReadFromJsonAsync<JsonElement>();
        var uploadId = ticket.GetProperty("uploadId").GetString()!;
        var jobId = ticket.GetProperty("jobId").GetGuid();
        Assert.Equal($"{jobId:N}.mp4", uploadId);
        Assert.Equal("PUT", ticket.GetProperty("method").GetString());
        var url = new Uri(ticket.GetProperty("url").GetString()!);
        Assert.StartsWith(TestServices.S3Endpoint, url.ToString(), StringComparison.Ordinal);

        // Before the PUT there is nothing to submit; a made-up id is not one.
        using var early = await http.PostAsync("/v1/jobs", Form(uploadId));
        Assert.Equal(HttpStatusCode.NotFound, early.StatusCode);
        using var madeUp = await http.PostAsync("/v1/jobs", Form($"{jobId:N}"));
        Assert.Equal(HttpStatusCode.BadRequest, madeUp.StatusCode);

        using (var direct = new HttpClient())
        using (var put = await direct.PutAsync(url, new ByteArrayContent(await File.ReadAllBytesAsync(clip))))
        {
            Assert.True(put.IsSuccessStatusCode, $"PUT to the upload URL answered {(int)put.StatusCode}");
        }

        var named = Form(uploadId);
        named.Add(new StringContent("holiday.MP4"), "fileName");
        using var submit = await http.PostAsync("/v1/jobs", named);
        Assert.Equal(HttpStatusCode.Accepted, submit.StatusCode);
        Assert.Equal(jobId, (await submit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        using var again = await http.PostAsync("/v1/jobs", Form(uploadId));
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal(jobId, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());

        var job = await WaitForEndAsync(http, jobId);
        Assert.Equal("COMPLETED", job.GetProperty("status").GetString());
        Assert.Equal("holiday.MP4", job.GetProperty("fileName").GetString());
        Assert.Equal(128, job.GetProperty("output").GetProperty("width").GetInt32());
        var output = await http.GetByteArrayAsync($"/v1/jobs/{jobId}/output");
        Assert.Equal("ftyp"u8.ToArray(), output[4..8]);

        // The job runs on its own copy; the staging object went with the submit, and a PUT after it reaches no job.
        var store = factory.Services.GetRequiredService<Vsr.Storage.IObjectStore>();
        Assert.False(await store.ExistsAsync(Vsr.Grains.Intake.IUploadGrain.StagingKey(uploadId), CancellationToken.None));
        // The API checked the upload in place and copied it inside the store: none of it passed through its own disk.
        Assert.False(Directory.Exists(Path.Combine(_root, "api")), "the API wrote the upload to its scratch directory");
    }

    [Fact]
    public async Task An_upload_never_submitted_is_deleted_by_its_sweep()
    {
        await using var factory = new S3ApiFactory(_root);
        using var http = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var created = await http.PostAsync("/v1/uploads?fileName=forgotten.mkv", null);
        var ticket = await created.Content.ReadFromJsonAsync<JsonElement>();
        var jobId = ticket.GetProperty("jobId").GetGuid();
        using (var direct = new HttpClient())
        using (var put = await direct.PutAsync(ticket.GetProperty("url").GetString(), new ByteArrayContent(new byte[4096])))
        {
            Assert.True(put.IsSuccessStatusCode);
        }

        var store = factory.Services.GetRequiredService<Vsr.Storage.IObjectStore>();
        var uploadId = ticket.GetProperty("uploadId").GetString()!;
        var key = Vsr.Grains.Intake.IUploadGrain.StagingKey(uploadId);
        Assert.Equal($"uploads/{jobId:N}.mkv", key);
        Assert.True(await store.ExistsAsync(key, CancellationToken.None));

        await factory.Services.GetRequiredService<IGrainFactory>().GetGrain<Vsr.Grains.Intake.IUploadGrain>(uploadId).Sweep();

        Assert.False(await store.ExistsAsync(key, CancellationToken.None));
        using var late = await http.PostAsync("/v1/jobs", Form(ticket.GetProperty("uploadId").GetString()!));
        Assert.Equal(HttpStatusCode.NotFound, late.StatusCode);
    }

    [Fact]
    public async Task An_uploads_reminder_sweeps_it_once_due()
    {
        await using var factory = new S3ApiFactory(_root);
        using var http = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var created = await http.PostAsync("/v1/uploads?fileName=late.mp4", null);
        var ticket = await created.Content.ReadFromJsonAsync<JsonElement>();
        var uploadId = ticket.GetProperty("uploadId").GetString()!;
        using (var direct = new HttpClient())
        using (var put = await direct.PutAsync(ticket.GetProperty("url").GetString(), new ByteArrayContent(new byte[1024])))
        {
            Assert.True(put.IsSuccessStatusCode);
        }

        var store = factory.Services.GetRequiredService<Vsr.Storage.IObjectStore>();
        var key = Vsr.Grains.Intake.IUploadGrain.StagingKey(uploadId);
        Assert.True(await store.ExistsAsync(key, CancellationToken.None));

        // Due already (a deadline in the past) instead of after the URL's lifetime: the reminder, not a direct call, deletes it.
        await factory.Services.GetRequiredService<IGrainFactory>().GetGrain<Vsr.Grains.Intake.IUploadGrain>(uploadId).Watch(DateTimeOffset.UtcNow.AddMinutes(-1));
        var clock = Stopwatch.StartNew();
        while (await store.ExistsAsync(key, CancellationToken.None) && clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            await Task.Delay(250);
        }

        Assert.False(await store.ExistsAsync(key, CancellationToken.None), $"still there after {clock.Elapsed.TotalSeconds:F0} s");
    }

    [Fact]
    public async Task An_upload_that_is_not_a_video_gets_422_and_is_left_to_its_sweep()
    {
        await using var factory = new S3ApiFactory(_root);
        using var http = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var created = await http.PostAsync("/v1/uploads?fileName=notes.mp4", null);
        var ticket = await created.Content.ReadFromJsonAsync<JsonElement>();
        using (var direct = new HttpClient())
        using (var put = await direct.PutAsync(ticket.GetProperty("url").GetString(), new StringContent("not a video at all")))
        {
            Assert.True(put.IsSuccessStatusCode);
        }

        using var submit = await http.PostAsync("/v1/jobs", Form(ticket.GetProperty("uploadId").GetString()!));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, submit.StatusCode);
        Assert.Equal("application/problem+json", submit.Content.Headers.ContentType?.MediaType);
        Assert.Contains("not a decodable video", (await submit.Content.ReadAsStringAsync()).ToLowerInvariant());
        // Kept: over the network a read cut short can look like a broken file, so a retry checks it again; the sweep removes it.
        var store = factory.Services.GetRequiredService<Vsr.Storage.IObjectStore>();
        Assert.True(await store.ExistsAsync(Vsr.Grains.Intake.IUploadGrain.StagingKey(ticket.GetProperty("uploadId").GetString()!), CancellationToken.None));
    }

    [Fact]
    public async Task Direct_uploads_switched_off_get_501()
    {
        await using var factory = new S3ApiFactory(_root, directUploads: false);
        using var http = factory.CreateClient();

        using var response = await http.PostAsync("/v1/uploads?fileName=clip.mp4", null);

        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
        Assert.Contains("Vsr:Api:DirectUploads", await response.Content.ReadAsStringAsync());
    }

    private static MultipartFormDataContent Form(string uploadId) =>
        new() { { new StringContent(uploadId), "uploadId" }, { new StringContent("2"), "scale" } };

    private static async Task<JsonElement> WaitForEndAsync(HttpClient http, Guid id)
    {
        var clock = Stopwatch.StartNew();
        JsonElement job;
        do
        {
            await Task.Delay(250);
            job = await http.GetFromJsonAsync<JsonElement>($"/v1/jobs/{id}");
        }
        while (job.GetProperty("status").GetString() is "PENDING" or "PROCESSING" && clock.Elapsed < TimeSpan.FromMinutes(2));
        return job;
    }

    /// <summary>Submits a 1 s 64×48 clip at x2 and waits until the job is COMPLETED; returns its id.</summary>
    private async Task<Guid> RunJobAsync(HttpClient http)
    {
        var clip = Path.Combine(_root, "clip.mp4");
        await TestClip.MakeAsync(clip, 64, 48, seconds: 1);
        var file = new ByteArrayContent(await File.ReadAllBytesAsync(clip));
        file.Headers.ContentType = MediaTypeHeaderValue.Parse("video/mp4");
        using var submit = await http.PostAsync("/v1/jobs", new MultipartFormDataContent { { file, "file", "clip.mp4" }, { new StringContent("2"), "scale" } });
        Assert.Equal(HttpStatusCode.Accepted, submit.StatusCode);
        var id = (await submit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var clock = Stopwatch.StartNew();
        string? status;
        do
        {
            await Task.Delay(250);
            status = (await http.GetFromJsonAsync<JsonElement>($"/v1/jobs/{id}")).GetProperty("status").GetString();
        }
        while (status is "PENDING" or "PROCESSING" && clock.Elapsed < TimeSpan.FromMinutes(2));
        Assert.Equal("COMPLETED", status);
        return id;
    }

    private sealed class S3ApiFactory(string root, bool redirectDownloads = true, bool directUploads = true,
        IReadOnlyDictionary<string, string?>? settings = null) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                builder.UseSetting(key, value);
            }

            builder.UseSetting("Vsr:Api:RedirectDownloads", redirectDownloads ? "true" : "false");
            builder.UseSetting("Vsr:Api:DirectUploads", directUploads ? "true" : "false");
            builder.UseSetting("Orleans:Mode", "Embedded");
            builder.UseSetting("Orleans:SiloPort", "21211");
            builder.UseSetting("Orleans:GatewayPort", "40100");
            builder.UseSetting("Vsr:ModelsDirectory", RepoModels.Directory);
            builder.UseSetting("Vsr:WorkDirectory", Path.Combine(root, "work"));
            builder.UseSetting("Vsr:Api:ScratchDirectory", Path.Combine(root, "api"));
            builder.UseSetting("Vsr:Jobs:Preset", "ultrafast");
            builder.UseSetting("Vsr:Devices:0", "cpu:0");
            builder.UseSetting("Vsr:ObjectStore:Kind", "S3");
            builder.UseSetting("Vsr:ObjectStore:S3:Endpoint", TestServices.S3Endpoint);
            builder.UseSetting("Vsr:ObjectStore:S3:AccessKey", "vsr-test");
            builder.UseSetting("Vsr:ObjectStore:S3:SecretKey", "vsr-test-secret");
            builder.UseSetting("Vsr:ObjectStore:S3:Bucket", $"vsr-api-{Guid.NewGuid():N}"[..30]);
            builder.UseSetting("Vsr:ObjectStore:S3:ScratchDirectory", Path.Combine(root, "s3"));
        }
    }
}
