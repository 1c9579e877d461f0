using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using Vsr.Integration.Tests.Support;
using Vsr.Queue;

namespace Vsr.Integration.Tests.Metrics;

/// <summary>
/// A real Prometheus (started by ./test.sh with this test's address as its scrape target) reads the metrics endpoint
/// the service exposes, so a metric name or format Prometheus cannot take would fail here.
/// </summary>
public sealed class PrometheusScrapeTests
{
    /// <summary>
    /// The address test.sh gives Prometheus to scrape every 5 s (VSR_PROMETHEUS_TARGETS, its first entry; test.sh picks
    /// a free port), or 127.0.0.1:19191 for services started by hand without it.
    /// </summary>
    public static string MetricsAddress { get; } =
        Environment.GetEnvironmentVariable("VSR_PROMETHEUS_TARGETS")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault()
        ?? "127.0.0.1:19191";

    [Fact]
    public async Task Prometheus_scrapes_the_job_queue_depth_from_the_metrics_endpoint()
    {
        var prometheus = TestServices.PrometheusUrl;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://{MetricsAddress}");
        var settings = new Dictionary<string, string?> { ["Vsr:Queue:DepthSampleInterval"] = "00:00:01" };
        builder.Services.AddJobQueue(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter("Vsr.Queue").AddPrometheusExporter());
        await using var app = builder.Build();
        app.MapPrometheusScrapingEndpoint();
        await app.StartAsync();

        var queue = app.Services.GetRequiredService<IJobQueue>();
        for (var i = 0; i < 3; i++)
        {
            await queue.PublishAsync(new SubmitJob(Guid.NewGuid(), $"jobs/{i}/source.mp4", "clip.mp4", 2, "realesr-animevideov3", DateTimeOffset.UtcNow), CancellationToken.None);
        }

        using var http = new HttpClient { BaseAddress = new Uri(prometheus) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string? seen = null;
        while (DateTime.UtcNow < deadline)
        {
            using var answer = JsonDocument.Parse(await http.GetStringAsync("/api/v1/query?query=vsr_queue_depth"));
            var result = answer.RootElement.GetProperty("data").GetProperty("result");
            seen = result.GetArrayLength() > 0 ? result[0].GetProperty("value")[1].GetString() : null;
            if (seen == "3")
            {
                break;
            }

            await Task.Delay(1000);
        }

        Assert.Equal("3", seen);
    }
}
