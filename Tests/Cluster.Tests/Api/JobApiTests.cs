using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Vsr.Cluster.Tests.Support;
using static Vsr.Cluster.Tests.Api.ApiProblems;

namespace Vsr.Cluster.Tests.Api;

public sealed class JobApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private HttpClient Http => api.Client;

    [Fact]
    public async Task A_video_is_accepted_tracked_and_downloadable_once_completed()
    {
        var clip = await MediaFacts.MakeClipAsync(api.Factory.Temp.Combine("api-clip.mp4"), 64, 48, seconds: 2);

        using var submit = await Http.PostAsync("/v1/jobs", Upload(clip, scale: "2"));
        Assert.Equal(HttpStatusCode.Accepted, submit.StatusCode);
        var accepted = await submit.Content.ReadFromJsonAsync<JsonElement>();
        var id = accepted.GetProperty("id").GetGuid();
        Assert.Equal("PENDING", accepted.GetProperty("status").GetString());
        Assert.Equal($"/v1/jobs/{id}", submit.Headers.Location?.OriginalString);

        // Not ready yet: 409 with a problem body.
        using var early = await Http.GetAsync($"/v1/jobs/{id}/output");
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        await AssertProblemAsync(early, 409);

        JsonElement job;
        var deadline = DateTime.UtcNow.AddMinutes(3);
        do
        {
            await Task.Delay(200);
            using var status = await Http.GetAsync($"/v1/jobs/{id}");
            Assert.Equal(HttpStatusCode.OK, status.StatusCode);
            job = await status.Content.ReadFromJsonAsync<JsonElement>();
        }
        while (job.GetProperty("status").GetString() is "PENDING" or "PROCESSING" && DateTime.UtcNow < deadline);

        Assert.Equal("COMPLETED", job.GetProperty("status").GetString());
        Assert.Equal(50, job.GetProperty("progress").GetProperty("framesDone").GetInt32());
        // No model named: content auto measured the test pattern (flat share about 0.6) as live action.
        Assert.Equal("real-x2", job.GetProperty("model").GetString());
        Assert.Equal("auto", job.GetProperty("content").GetString());
        Assert.Equal("live", job.GetProperty("modelChoice").GetProperty("content").GetString());

        using var output = await Http.GetAsync($"/v1/jobs/{id}/output");
        Assert.Equal(HttpStatusCode.OK, output.StatusCode);
        Assert.Equal("video/mp4", output.Content.Headers.ContentType?.MediaType);
        var downloaded = api.Factory.Temp.Combine("api-out.mp4");
        await File.WriteAllBytesAsync(downloaded, await output.Content.ReadAsByteArrayAsync());
        var facts = await MediaFacts.ReadAsync(downloaded);
        Assert.Equal((128, 96, 50, 1), (facts.Width, facts.Height, facts.VideoFrames, facts.AudioStreams));

        // A download cut short resumes: HEAD sizes it, and a Range with If-Range naming its entity tag gets the rest.
        var length = new FileInfo(downloaded).Length;
        var etag = output.Headers.ETag;
        Assert.NotNull(etag);
        using var head = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v1/jobs/{id}/output"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(length, head.Content.Headers.ContentLength);
        Assert.Equal(etag, head.Headers.ETag);
        using var resume = new HttpRequestMessage(HttpMethod.Get, $"/v1/jobs/{id}/output");
        resume.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(100, null);
        resume.Headers.IfRange = new System.Net.Http.Headers.RangeConditionHeaderValue(etag);
        using var rest = await Http.SendAsync(resume);
        Assert.Equal(HttpStatusCode.PartialContent, rest.StatusCode);
        Assert.Equal(length - 100, rest.Content.Headers.ContentLength);
        // If-Range naming another file: the whole output, not a part of it spliced onto the other.
        using var stale = new HttpRequestMessage(HttpMethod.Get, $"/v1/jobs/{id}/output");
        stale.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(100, null);
        stale.Headers.IfRange = new System.Net.Http.Headers.RangeConditionHeaderValue("\"another\"");
        using var whole = await Http.SendAsync(stale);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal(length, whole.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task Progress_events_start_with_a_snapshot_and_end_at_the_terminal_state()
    {
        var clip = await MediaFacts.MakeClipAsync(api.Factory.Temp.Combine("events.mp4"), 64, 48, seconds: 2);
        using var submit = await Http.PostAsync("/v1/jobs", Upload(clip, scale: "2"));
        var id = (await submit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        using var events = await Http.GetAsync($"/v1/jobs/{id}/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", events.Content.Headers.ContentType?.MediaType);
        var lines = (await events.Content.ReadAsStringAsync()).Split('\n');

        var data = lines.Where(l => l.StartsWith("data: ", StringComparison.Ordinal))
            .Select(l => JsonDocument.Parse(l["data: ".Length..]).RootElement).ToList();
        Assert.Contains("event: progress", lines);
        Assert.True(data.Count >= 2, $"expected a snapshot and at least one change, got {data.Count}");
        Assert.Equal("COMPLETED", data[^1].GetProperty("status").GetString());
        Assert.Equal(50, data[^1].GetProperty("progress").GetProperty("framesDone").GetInt32());
        Assert.All(data, e => Assert.Equal(id, e.GetProperty("id").GetGuid()));
        var done = data.Select(e => e.GetProperty("progress").GetProperty("framesDone").GetInt32()).ToList();
        Assert.Equal(done.Order(), done);
    }

    [Fact]
    public async Task Deleting_a_job_cancels_it_and_an_unknown_one_is_404()
    {
        var clip = await MediaFacts.MakeClipAsync(api.Factory.Temp.Combine("delete.mp4"), 128, 96, seconds: 4);
        using var submit = await Http.PostAsync("/v1/jobs", Upload(clip, scale: "2"));
        var id = (await submit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        using var cancel = await Http.DeleteAsync($"/v1/jobs/{id}");
        using var unknown = await Http.DeleteAsync($"/v1/jobs/{Guid.NewGuid()}");
        using var output = await Http.GetAsync($"/v1/jobs/{id}/output");

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal("CANCELLED", (await cancel.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        await AssertProblemAsync(unknown, 404);
        await AssertProblemAsync(output, 409);
    }

    [Fact]
    public async Task A_retried_post_with_the_same_idempotency_key_is_one_job()
    {
        var clip = await MediaFacts.MakeClipAsync(api.Factory.Temp.Combine("retry.mp4"), 64, 48, seconds: 1);
        var key = Guid.NewGuid().ToString();

        async Task<Guid> PostAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/jobs") { Content = Upload(clip, "2") };
            request.Headers.Add("Idempotency-Key", key);
            using var response = await Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        }

        var first = await PostAsync();
        var second = await PostAsync();
        var other = await PostAsync();

        Assert.Equal(first, second);
        Assert.Equal(first, other);
        using var status = await Http.GetAsync($"/v1/jobs/{first}");
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
    }

    [Fact]
    public async Task A_file_that_is_not_a_video_gets_422_with_the_reason()
    {
        var text = api.Factory.Temp.Combine("readme.mp4");
        await File.WriteAllTextAsync(text, "plain text, not a video");

        using var response = await Http.PostAsync("/v1/jobs", Upload(text, scale: "2"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await AssertProblemAsync(response, 422);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
    }

    [Theory]
    [InlineData(4104, 16, "4", "x2")]
    [InlineData(16, 8200, "2", "no scale")]
    public async Task An_output_larger_than_the_encoder_allows_gets_422_naming_the_largest_scale(int width, int height, string scale, string allowed)
    {
        var clip = await MediaFacts.MakeClipAsync(api.Factory.Temp.Combine($"huge-{width}x{height}.mp4"), width, height, seconds: 0.04);

        using var response = await Http.PostAsync("/v1/jobs", Upload(clip, scale));

        var problem = await AssertProblemAsync(response, 422);
        var detail = problem.GetProperty("detail").GetString();
        Assert.Contains("16384", detail, StringComparison.Ordinal);
        Assert.Contains(allowed, detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("3")]
    [InlineData("two")]
    public async Task An_unsupported_scale_gets_400(string scale)
    {
        var clip = await MediaFacts.MakeClipAsync(api.Factory.Temp.Combine($"scale-{scale}.mp4"), 64, 48, seconds: 1);

        using var response = await Http.PostAsync("/v1/jobs", Upload(clip, scale));

        await AssertProblemAsync(response, 400);
    }

    [Fact]
    public async Task An_unknown_model_gets_400()
    {
        var clip = await MediaFacts.MakeClipAsync(api.Factory.Temp.Combine("model.mp4"), 64, 48, seconds: 1);
        var form = Upload(clip, "2");
        form.Add(new StringContent("no-such-model"), "model");

        using var response = await Http.PostAsync("/v1/jobs", form);

        var problem = await AssertProblemAsync(response, 400);
        Assert.Contains("no-such-model", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Sharpen_sharpens_the_upscaled_video_and_shows_on_the_job()
    {
        var clip = await MediaFacts.MakeClipAsync(api.Factory.Temp.Combine("sharpen.mp4"), 64, 48, seconds: 1);
        var plainForm = Upload(clip, "2");
        var sharpForm = Upload(clip, "2");
        sharpForm.Add(new StringContent("1"), "sharpen");

        var plain = await CompletedOutputAsync(plainForm, "sharpen-plain.mp4");
        var sharp = await CompletedOutputAsync(sharpForm, "sharpen-1.mp4");

        Assert.Equal((0.0, 1.0), (plain.Job.GetProperty("sharpen").GetDouble(), sharp.Job.GetProperty("sharpen").GetDouble()));
        var (plainDetail, sharpDetail) = (await DetailAsync(plain.Output), await DetailAsync(sharp.Output));
        Assert.True(sharpDetail > plainDetail * 1.15, $"mean |Laplacian| {sharpDetail:F2} with sharpen=1 vs {plainDetail:F2} without");
    }

    [Fact]
    public async Task A_quality_report_measures_the_upscaler_against_lanczos_on_the_videos_own_frames()
    {
        var clip = await MediaFacts.MakeClipAsync(api.Factory.Temp.Combine("quality.mp4"), 64, 48, seconds: 1);
        var form = Upload(clip, "2");
        form.Add(new StringContent("true"), "qualityReport");
        var recorded = new System.Collections.Concurrent.ConcurrentBag<(string Instrument, double Gain, string? Model)>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name is Vsr.Grains.Jobs.QualityGainMeter.InstrumentName or Vsr.Grains.Jobs.QualityGainMeter.TemporalInstrumentName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
            recorded.Add((instrument.Name, value, tags.ToArray().FirstOrDefault(t => t.Key == "model").Value as string)));
        listener.Start();

        var (job, _) = await CompletedOutputAsync(form, "quality-out.mp4");
        var (plain, _) = await CompletedOutputAsync(Upload(clip, "2"), "quality-plain.mp4");

        Assert.True(job.GetProperty("qualityReport").GetBoolean());
        var quality = job.GetProperty("quality");
        Assert.Equal(JsonValueKind.Null, quality.GetProperty("error").ValueKind);
        Assert.Equal("real-x2", quality.GetProperty("model").GetString());
        // Four sample frames, each with the frame after it for the temporal figures, taken where testsrc2 stands still.
        Assert.InRange(quality.GetProperty("stillFraction").GetDouble(), 0.05, 1);
        Assert.Equal((2, 8, 4, 64, 48), (quality.GetProperty("scale").GetInt32(), quality.GetProperty("frames").GetInt32(),
            quality.GetProperty("pairs").GetInt32(), quality.GetProperty("width").GetInt32(), quality.GetProperty("height").GetInt32()));
        var (model, lanczos, bicubic) = (Figures(quality, "enhanced"), Figures(quality, "lanczos"), Figures(quality, "bicubic"));
        foreach (var (psnr, ssim, temporal) in new[] { model, lanczos, bicubic })
        {
            Assert.InRange(psnr, 10, 99);
            Assert.InRange(ssim, 0.1, 1);
            Assert.InRange(temporal, 10, 99);
        }

        // The three enlargements are measured, not copied from each other.
        Assert.NotEqual(model.Psnr, lanczos.Psnr);
        Assert.NotEqual(lanczos.Psnr, bicubic.Psnr);
        Assert.NotEqual(model.Temporal, lanczos.Temporal);
        Assert.Equal(Math.Round(model.Psnr - lanczos.Psnr, 3), quality.GetProperty("gainOverLanczosDb").GetDouble(), 3);
        Assert.Equal(Math.Round(model.Temporal - lanczos.Temporal, 3), quality.GetProperty("temporalGainOverLanczosDb").GetDouble(), 3);
        Assert.True(quality.GetProperty("modelMillisecondsPerFrame").GetDouble() > 0);
        Assert.EndsWith("/cpu:0", quality.GetProperty("device").GetString());
        // The gain is counted for operators too (vsr_quality_gain_db), tagged with the model.
        Assert.Contains((Vsr.Grains.Jobs.QualityGainMeter.InstrumentName, quality.GetProperty("gainOverLanczosDb").GetDouble(), "real-x2"), recorded);
        Assert.Contains((Vsr.Grains.Jobs.QualityGainMeter.TemporalInstrumentName, quality.GetProperty("temporalGainOverLanczosDb").GetDouble(), "real-x2"),
            recorded);

        Assert.False(plain.GetProperty("qualityReport").GetBoolean());
        Assert.Equal(JsonValueKind.Null, plain.GetProperty("quality").ValueKind);
    }

    [Fact]
    public async Task The_job_list_is_off_while_no_operator_token_is_set()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/jobs");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "");
        using var anonymous = await Http.GetAsync("/v1/jobs");
        using var blank = await Http.SendAsync(request);

        var problem = await AssertProblemAsync(anonymous, 403);
        Assert.Contains("Vsr:Api:OperatorToken", problem.GetProperty("detail").GetString());
        await AssertProblemAsync(blank, 403);
    }

    private static (double Psnr, double Ssim, double Temporal) Figures(JsonElement quality, string method) =>
        (quality.GetProperty(method).GetProperty("psnrY").GetDouble(), quality.GetProperty(method).GetProperty("ssimY").GetDouble(),
            quality.GetProperty(method).GetProperty("temporalPsnrY").GetDouble());

    [Theory]
    [InlineData("hevc", "10", "hevc", "yuv420p10le", "hvc1")]
    [InlineData("av1", "8", "av1", "yuv420p", "av01")]
    public async Task The_output_is_encoded_with_the_codec_and_bit_depth_asked_for(string codec, string bitDepth, string expectedCodec,
        string expectedPixelFormat, string expectedTag)
    {
        var clip = await MediaFacts.MakeClipAsync(api.Factory.Temp.Combine($"codec-{codec}.mp4"), 64, 48, seconds: 1);
        var form = Upload(clip, "2");
        form.Add(new StringContent(codec), "codec");
        form.Add(new StringContent(bitDepth), "bitDepth");

        var (job, output) = await CompletedOutputAsync(form, $"codec-{codec}-out.mp4");

        var facts = await MediaFacts.ReadAsync(output);
        Assert.Equal((expectedCodec, expectedPixelFormat, expectedTag), facts.VideoCoding);
        Assert.Equal((128, 96, 25, 1), (facts.Width, facts.Height, facts.VideoFrames, facts.AudioStreams));
        Assert.Equal((codec, int.Parse(bitDepth, System.Globalization.CultureInfo.InvariantCulture)), (job.GetProperty("codec").GetString(), job.GetProperty("bitDepth").GetInt32()));
        Assert.Equal(expectedCodec, job.GetProperty("output").GetProperty("codec").GetString());
    }

    [Fact]
    public async Task A_lower_crf_gives_a_larger_file_of_the_same_frames()
    {
        var clip = await MediaFacts.MakeClipAsync(api.Factory.Temp.Combine("crf.mp4"), 64, 48, seconds: 1, grain: true);
        var fine = Upload(clip, "2");
        fine.Add(new StringContent("10"), "crf");
        var coarse = Upload(clip, "2");
        coarse.Add(new StringContent("40"), "crf");

        var (fineJob, fineOutput) = await CompletedOutputAsync(fine, "crf-10.mp4");
        var (_, coarseOutput) = await CompletedOutputAsync(coarse, "crf-40.mp4");

        Assert.Equal(10, fineJob.GetProperty("crf").GetInt32());
        var (fineBytes, coarseBytes) = (new FileInfo(fineOutput).Length, new FileInfo(coarseOutput).Length);
        Assert.True(fineBytes > 2 * coarseBytes, $"crf 10: {fineBytes} bytes, crf 40: {coarseBytes} bytes");
        Assert.Equal((await MediaFacts.ReadAsync(fineOutput)).VideoFrames, (await MediaFacts.ReadAsync(coarseOutput)).VideoFrames);
    }

    [Fact]
    public async Task An_AV1_output_smaller_than_the_encoder_takes_gets_422()
    {
        var clip = await MediaFacts.MakeClipAsync(api.Factory.Temp.Combine("tiny-av1.mp4"), 32, 24, seconds: 1);
        var form = Upload(clip, "2");
        form.Add(new StringContent("av1"), "codec");

        using var response = await Http.PostAsync("/v1/jobs", form);

        var problem = await AssertProblemAsync(response, 422);
        Assert.Contains("64x64", problem.GetProperty("detail").GetString());
        Assert.Contains("64x48", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("content", "cartoon", "'content' must be one of auto, live, animation")]
    [InlineData("denoise", "maybe", "'denoise' and 'deblock' must be true or false")]
    [InlineData("deblock", "2", "'denoise' and 'deblock' must be true or false")]
    [InlineData("model", "denoise-x1", "is not offered")]
    [InlineData("sharpen", "1.5", "'sharpen' must be a strength from 0 to 1")]
    [InlineData("sharpen", "NaN", "'sharpen' must be a strength from 0 to 1")]
    [InlineData("sharpen", "crisp", "'sharpen' must be a strength from 0 to 1")]
    [InlineData("qualityReport", "please", "'qualityReport' must be true or false")]
    [InlineData("codec", "vp9", "'codec' must be one of h264, hevc, av1")]
    [InlineData("crf", "52", "'crf' of h264 must be from 0 to 51")]
    [InlineData("crf", "high", "'crf' must be a whole number")]
    [InlineData("bitDepth", "12", "'bitDepth' must be 8 or 10")]
    [InlineData("bitDepth", "10", "'bitDepth' 10 needs 'codec' hevc or av1")]
    public async Task An_unknown_option_value_gets_400_naming_the_allowed_values(string field, string value, string detail)
    {
        var clip = await MediaFacts.MakeClipAsync(api.Factory.Temp.Combine($"option-{field}.mp4"), 64, 48, seconds: 1);
        var form = Upload(clip, "2");
        form.Add(new StringContent(value), field);

        using var response = await Http.PostAsync("/v1/jobs", form);

        var problem = await AssertProblemAsync(response, 400);
        Assert.Contains(detail, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Blank_scale_and_content_mean_their_defaults_as_every_other_blank_option_does()
    {
        var clip = await MediaFacts.MakeClipAsync(api.Factory.Temp.Combine("blank-options.mp4"), 64, 48, seconds: 1);
        var form = Upload(clip, " ");
        form.Add(new StringContent(""), "content");

        using var response = await Http.PostAsync("/v1/jobs", form);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var job = await Http.GetFromJsonAsync<JsonElement>($"/v1/jobs/{id}");
        Assert.Equal((2, "auto"), (job.GetProperty("scale").GetInt32(), job.GetProperty("content").GetString()));
    }

    [Fact]
    public async Task A_request_without_a_file_gets_a_problem()
    {
        using var response = await Http.PostAsync("/v1/jobs", new StringContent("{}", MediaTypeHeaderValue.Parse("application/json")));

        await AssertProblemAsync(response, 415);
    }

    [Fact]
    public async Task Unknown_jobs_get_404_for_status_and_output()
    {
        var id = Guid.NewGuid();

        using var status = await Http.GetAsync($"/v1/jobs/{id}");
        using var output = await Http.GetAsync($"/v1/jobs/{id}/output");

        await AssertProblemAsync(status, 404);
        await AssertProblemAsync(output, 404);
    }

    [Fact]
    public async Task Models_lists_the_default_model_with_its_scales()
    {
        var models = await Http.GetFromJsonAsync<JsonElement>("/v1/models");

        var model = models.EnumerateArray().Single(m => m.GetProperty("name").GetString() == "realesr-animevideov3");
        Assert.Equal([2, 4], model.GetProperty("scales").EnumerateArray().Select(s => s.GetInt32()).ToArray());
        Assert.True(model.GetProperty("available").GetBoolean());
        Assert.Contains("BSD-3-Clause", model.GetProperty("license").GetString());
    }

    private async Task<(JsonElement Job, string Output)> CompletedOutputAsync(MultipartFormDataContent form, string name)
    {
        using var submit = await Http.PostAsync("/v1/jobs", form);
        Assert.Equal(HttpStatusCode.Accepted, submit.StatusCode);
        var id = (await submit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        JsonElement job;
        var deadline = DateTime.UtcNow.AddMinutes(3);
        do
        {
            await Task.Delay(200);
            job = await Http.GetFromJsonAsync<JsonElement>($"/v1/jobs/{id}");
        }
        while (job.GetProperty("status").GetString() is "PENDING" or "PROCESSING" && DateTime.UtcNow < deadline);

        Assert.Equal("COMPLETED", job.GetProperty("status").GetString());
        var path = api.Factory.Temp.Combine(name);
        await File.WriteAllBytesAsync(path, await Http.GetByteArrayAsync($"/v1/jobs/{id}/output"));
        return (job, path);
    }

    /// <summary>Mean absolute 4-neighbour Laplacian of the luma over every frame: how much fine detail the video holds.</summary>
    private static async Task<double> DetailAsync(string path)
    {
        var facts = await MediaFacts.ReadAsync(path);
        var (w, h) = (facts.Width, facts.Height);
        var start = new System.Diagnostics.ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "gray", "-" })
        {
            start.ArgumentList.Add(argument);
        }

        using var ffmpeg = System.Diagnostics.Process.Start(start)!;
        using var pixels = new MemoryStream();
        var errors = ffmpeg.StandardError.ReadToEndAsync();
        await ffmpeg.StandardOutput.BaseStream.CopyToAsync(pixels);
        await ffmpeg.WaitForExitAsync();
        Assert.True(ffmpeg.ExitCode == 0, await errors);
        var all = pixels.ToArray();
        double sum = 0;
        long count = 0;
        for (var frame = 0; frame + (w * h) <= all.Length; frame += w * h)
        {
            for (var y = 1; y < h - 1; y++)
            {
                for (var x = 1; x < w - 1; x++)
                {
                    var i = frame + (y * w) + x;
                    sum += Math.Abs((4 * all[i]) - all[i - 1] - all[i + 1] - all[i - w] - all[i + w]);
                    count++;
                }
            }
        }

        return sum / count;
    }
}
