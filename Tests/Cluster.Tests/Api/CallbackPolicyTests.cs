using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Vsr.Cluster.Tests.Support;
using Vsr.Grains.Jobs;
using Vsr.Grains.Webhooks;

namespace Vsr.Cluster.Tests.Api;

public sealed class CallbackPolicyTests
{
    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("::a00:1", false)]
    [InlineData("64:ff9b::a00:1", false)]
    [InlineData("64:ff9b:1::a00:1", false)]
    [InlineData("2002:a00:1::1", false)]
    [InlineData("2001:0:4136:e378::1", false)]
    [InlineData("192.0.0.1", false)]
    [InlineData("198.18.0.1", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("8.8.8.8", true)]
    [InlineData("2001:4860:4860::8888", true)]
    public void Internal_addresses_are_told_from_public_ones(string address, bool isPublic) =>
        Assert.Equal(isPublic, CallbackPolicy.IsPublic(IPAddress.Parse(address)));

    [Fact]
    public void An_allowed_host_entry_with_a_port_allows_only_that_port()
    {
        var policy = new CallbackPolicy(new WebhookOptions { AllowedHosts = ["hooks.example:8443", "other.example"] });

        Assert.Null(policy.Refusal("https://hooks.example:8443/in"));
        Assert.Null(policy.Refusal("http://OTHER.example:81/in"));
        Assert.Contains("AllowedHosts", policy.Refusal("https://hooks.example/in"));
        Assert.Contains("absolute http or https", policy.Refusal("file:///etc/passwd"));
    }

    [Fact]
    public void A_url_naming_an_internal_address_is_refused_at_once_unless_the_operator_allows_it()
    {
        Assert.Contains("internal address", new CallbackPolicy(new WebhookOptions()).Refusal("http://169.254.169.254/latest/meta-data"));
        Assert.Contains("internal address", new CallbackPolicy(new WebhookOptions()).Refusal("http://[::1]:8080/hook"));
        Assert.Null(new CallbackPolicy(new WebhookOptions()).Refusal("https://hooks.example/in"));
        Assert.Null(new CallbackPolicy(new WebhookOptions { AllowPrivateNetworks = true }).Refusal("http://10.0.0.5/hook"));
        Assert.Null(new CallbackPolicy(new WebhookOptions { AllowedHosts = ["10.0.0.5"] }).Refusal("http://10.0.0.5/hook"));
    }

    [Fact]
    public async Task A_callback_to_a_loopback_receiver_is_not_sent_unless_the_operator_allows_it()
    {
        using var receiver = new CallbackReceiver(HttpStatusCode.OK);
        var job = new JobSnapshot(Guid.NewGuid(), JobStatus.Completed, new JobRequest("k", "a.mp4", 2, null, CallbackUrl: receiver.Url),
            JobProgress.Empty, null, null, null, DateTimeOffset.UtcNow, [], null, null, null);

        using var closed = Sender(new WebhookOptions());
        using var open = Sender(new WebhookOptions { AllowPrivateNetworks = true });
        var counted = new List<(object? Sender, string? Outcome)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == WebhookSender.AttemptsInstrument && (instrument.Meter.Scope == closed || instrument.Meter.Scope == open))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            lock (counted)
            {
                counted.Add((instrument.Meter.Scope, tags.ToArray().Single(t => t.Key == "outcome").Value as string));
            }
        });
        listener.Start();

        var refused = await closed.SendAsync(job, CancellationToken.None);
        var delivered = await open.SendAsync(job, CancellationToken.None);

        Assert.Contains("internal address", refused);
        Assert.Null(delivered);
        Assert.Single(receiver.Received);
        Assert.Equal([(closed, "not_sent"), (open, "delivered")], counted);
    }

    private static WebhookSender Sender(WebhookOptions options) => new(Options.Create(options), NullLogger<WebhookSender>.Instance);
}
