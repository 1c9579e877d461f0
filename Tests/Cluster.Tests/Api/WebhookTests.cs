using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Vsr.Cluster.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Vsr.Grains.Jobs;
using Vsr.Grains.Webhooks;
using static Vsr.Cluster.Tests.Api.ApiProblems;

namespace Vsr.Cluster.Tests.Api;

public sealed class WebhookTests(WebhookTests.Fixture api) : IClassFixture<WebhookTests.Fixture>
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public async Task A_finished_job_is_posted_signed_to_its_callback_and_a_refused_post_is_tried_again()
    {
        using var receiver = new CallbackReceiver(HttpStatusCode.InternalServerError, HttpStatusCode.NoContent);
        var clip = await MediaFacts.MakeClipAsync(api.Factory.Temp.Combine("hook.mp4"), 64, 48, seconds: 1);
        var form = Upload(clip, "2");
        form.Add(new StringContent(receiver.Url), "callbackUrl");
        form.Add(new StringContent("true"), "qualityReport");

        var id = await SubmitAsync(form);
        var job = await WaitForCallbackAsync(id, "DELIVERED");

        Assert.Equal("COMPLETED", job.GetProperty("status").GetString());
        Assert.Equal(2, job.GetProperty("callback").GetProperty("attempts").GetInt32());
        Assert.Equal($"http://{new Uri(receiver.Url).Authority}/…", job.GetProperty("callbackUrl").GetString());
        var posts = receiver.Received.ToArray();
        Assert.Equal(2, posts.Length);
        Assert.Single(posts.Select(p => p.Id).Distinct());
        Assert.All(posts, AssertSigned);
        using var body = JsonDocument.Parse(posts[^1].Body);
        Assert.Equal("job.completed", body.RootElement.GetProperty("type").GetString());
        var data = body.RootElement.GetProperty("data");
        Assert.Equal((id, "COMPLETED"), (data.GetProperty("id").GetGuid(), data.GetProperty("status").GetString()));
        Assert.Equal($"https://vsr.example/v1/jobs/{id}/output", data.GetProperty("outputUrl").GetString());
        Assert.Equal(128, data.GetProperty("output").GetProperty("width").GetInt32());
        // The event carries the quality report as the job shows it.
        Assert.Equal(job.GetProperty("quality").GetRawText(), data.GetProperty("quality").GetRawText());
        Assert.True(data.GetProperty("quality").GetProperty("enhanced").GetProperty("psnrY").GetDouble() > 0);
    }

    [Fact]
    public async Task A_callback_that_is_always_refused_is_given_up_and_the_job_stays_completed()
    {
        using var receiver = new CallbackReceiver(HttpStatusCode.ServiceUnavailable);
        var clip = await MediaFacts.MakeClipAsync(api.Factory.Temp.Combine("refused.mp4"), 64, 48, seconds: 1);
        var form = Upload(clip, "2");
        form.Add(new StringContent(receiver.Url), "callbackUrl");

        var id = await SubmitAsync(form);
        var job = await WaitForCallbackAsync(id, "FAILED");

        Assert.Equal("COMPLETED", job.GetProperty("status").GetString());
        var callback = job.GetProperty("callback");
        Assert.Equal(3, callback.GetProperty("attempts").GetInt32());
        Assert.Contains("503", callback.GetProperty("lastError").GetString());
        Assert.Equal(3, receiver.Received.Count);
    }

    [Fact]
    public async Task A_cancelled_job_reports_its_cancellation()
    {
        using var receiver = new CallbackReceiver(HttpStatusCode.OK);
        var clip = await MediaFacts.MakeClipAsync(api.Factory.Temp.Combine("cancel-hook.mp4"), 128, 96, seconds: 4);
        var form = Upload(clip, "2");
        form.Add(new StringContent(receiver.Url + "?token=s3cret"), "callbackUrl");

        var id = await SubmitAsync(form);
        using var cancel = await api.Client.DeleteAsync($"/v1/jobs/{id}");
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var job = await WaitForCallbackAsync(id, "DELIVERED");

        Assert.Equal("CANCELLED", job.GetProperty("status").GetString());
        Assert.DoesNotContain("s3cret", job.GetProperty("callbackUrl").GetString());
        var post = Assert.Single(receiver.Received);
        AssertSigned(post);
        using var body = JsonDocument.Parse(post.Body);
        Assert.Equal("job.cancelled", body.RootElement.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Null, body.RootElement.GetProperty("data").GetProperty("outputUrl").ValueKind);
    }

    [Fact]
    public async Task A_job_cancelled_before_its_submission_arrived_reports_the_cancel_when_it_does()
    {
        using var receiver = new CallbackReceiver(HttpStatusCode.OK);
        var id = Guid.NewGuid();
        var job = api.Factory.Services.GetRequiredService<IGrainFactory>().GetGrain<IJobGrain>(id);

        Assert.Equal(JobStatus.Cancelled, (await job.Cancel()).Status);
        await job.Submit(new JobRequest($"jobs/{id:N}/source.mp4", "late.mp4", 2, null, CallbackUrl: receiver.Url));
        var seen = await WaitForCallbackAsync(id, "DELIVERED");

        Assert.Equal("CANCELLED", seen.GetProperty("status").GetString());
        var post = Assert.Single(receiver.Received);
        AssertSigned(post);
        using var body = JsonDocument.Parse(post.Body);
        Assert.Equal("job.cancelled", body.RootElement.GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/hook", "'callbackUrl' must be an absolute http or https URL")]
    [InlineData("/relative/hook", "'callbackUrl' must be an absolute http or https URL")]
    [InlineData("http://user:secret@127.0.0.1/hook", "without a user name or password")]
    [InlineData("https://elsewhere.example/hook", "may name only these hosts (Vsr:Webhooks:AllowedHosts): 127.0.0.1")]
    public async Task A_callback_url_that_is_not_allowed_gets_400(string url, string detail)
    {
        var clip = await MediaFacts.MakeClipAsync(api.Factory.Temp.Combine("bad-hook.mp4"), 64, 48, seconds: 1);
        var form = Upload(clip, "2");
        form.Add(new StringContent(url), "callbackUrl");

        using var response = await api.Client.PostAsync("/v1/jobs", form);

        var problem = await AssertProblemAsync(response, 400);
        Assert.Contains(detail, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public void The_signature_matches_the_Standard_Webhooks_example()
    {
        // The example of the Standard Webhooks specification: its secret, message id, timestamp, body and signature.
        var key = new WebhookOptions { SigningSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }.SigningKey()!;

        var signature = WebhookSender.Sign(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", "{\"test\": 2432232314}"u8);

        Assert.Equal("g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    [Theory]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    [InlineData("whsec_REPLACE_ME")]
    [InlineData("whsec_")]
    [InlineData("whsec_AAECAwQFBgcICQoLDA0ODw==")]
    public void A_signing_secret_that_is_not_whsec_and_base64_is_refused(string secret)
    {
        var error = Assert.Throws<InvalidOperationException>(() => new WebhookOptions { SigningSecret = secret }.SigningKey());

        Assert.Contains("Vsr:Webhooks:SigningSecret", error.Message);
    }

    private static void AssertSigned(CallbackReceiver.Post post)
    {
        var expected = Convert.ToBase64String(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes($"{post.Id}.{post.Timestamp}.").Concat(post.Body).ToArray()));
        Assert.Equal($"v1,{expected}", post.Signature);
        Assert.True(Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - long.Parse(post.Timestamp)) < 600, $"timestamp {post.Timestamp}");
    }

    private async Task<Guid> SubmitAsync(MultipartFormDataContent form)
    {
        using var submit = await api.Client.PostAsync("/v1/jobs", form);
        Assert.Equal(HttpStatusCode.Accepted, submit.StatusCode);
        return (await submit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private async Task<JsonElement> WaitForCallbackAsync(Guid id, string status)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        JsonElement job;
        do
        {
            await Task.Delay(200);
            job = await api.Client.GetFromJsonAsync<JsonElement>($"/v1/jobs/{id}");
        }
        while (!(job.GetProperty("callback") is { ValueKind: JsonValueKind.Object } callback && callback.GetProperty("status").GetString() == status)
            && DateTime.UtcNow < deadline);

        Assert.Equal(status, job.GetProperty("callback").GetProperty("status").GetString());
        return job;
    }

    public sealed class Fixture() : ApiFixture(new Dictionary<string, string>
    {
        ["Vsr:Webhooks:SigningSecret"] = "whsec_" + Convert.ToBase64String(Key),
        ["Vsr:Webhooks:PublicBaseUrl"] = "https://vsr.example/",
        ["Vsr:Webhooks:Timeout"] = "00:00:05",
        ["Vsr:Webhooks:RetryDelays:0"] = "00:00:00.200",
        ["Vsr:Webhooks:RetryDelays:1"] = "00:00:00.200",
        ["Vsr:Webhooks:AllowedHosts:0"] = "127.0.0.1",
    });
}
