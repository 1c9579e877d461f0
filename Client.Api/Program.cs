using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;
using Orleans.Dashboard;
using Serilog;
using Vsr.Api.Hosting;
using Vsr.Api.Jobs;
using Vsr.Engine.Models;
using Vsr.Grains.Hosting;
using Vsr.Grains.Inference;
using Vsr.Grains.Jobs;
using Vsr.Grains.Webhooks;
using Vsr.Queue;
using Vsr.Storage;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSerilog((services, log) => log.ReadFrom.Configuration(builder.Configuration).Enrich.FromLogContext().WriteTo.Console());
builder.AddOrleans();

var api = builder.Configuration.GetSection(ApiOptions.Section).Get<ApiOptions>() ?? new ApiOptions();
var node = builder.Configuration.GetSection(NodeOptions.Section).Get<NodeOptions>() ?? new NodeOptions();
builder.Services.AddOptions<ApiOptions>().Bind(builder.Configuration.GetSection(ApiOptions.Section))
    .Validate(o => o.SubmissionLease >= TimeSpan.FromSeconds(1), $"{ApiOptions.Section}:SubmissionLease must be at least 00:00:01: its holder renews it every third of it.")
    .Validate(o => o.UploadLifetime >= TimeSpan.FromMinutes(1) && o.UploadLifetime <= TimeSpan.FromDays(7),
        $"{ApiOptions.Section}:UploadLifetime must be from 00:01:00 to 7.00:00:00, the longest S3 signs a URL for.")
    .Validate(o => o.DownloadUrlLifetime >= TimeSpan.FromSeconds(1) && o.DownloadUrlLifetime <= TimeSpan.FromDays(7),
        $"{ApiOptions.Section}:DownloadUrlLifetime must be from 00:00:01 to 7.00:00:00, the longest S3 signs a URL for.")
    .Validate(o => o.MaxConcurrentUploads >= 0, $"{ApiOptions.Section}:MaxConcurrentUploads must be 0 (no limit) or more.")
    .Validate(o => o.EventRecheckInterval >= TimeSpan.FromMilliseconds(100),
        $"{ApiOptions.Section}:EventRecheckInterval must be at least 00:00:00.1: each open progress feed reads its job that often.")
    .ValidateOnStart();
builder.Services.TryAddSingleton(new ModelCatalog(node.ToCatalogOptions()));
builder.Services.AddObjectStore(builder.Configuration);
builder.Services.AddSingleton<SubmissionClaims>();
builder.Services.AddSingleton<UploadSlots>();
// The silos check callbacks against the same Vsr:Webhooks settings before each POST; the API refuses early what they would.
builder.Services.AddSingleton(new CallbackPolicy(builder.Configuration.GetSection(WebhookOptions.Section).Get<WebhookOptions>() ?? new WebhookOptions()));
if (!OrleansHosting.IsEmbedded(builder.Configuration))
{
    // Embedded mode shares the silo's queue; a separate API publishes to the broker the silos consume from.
    builder.Services.AddJobQueue(builder.Configuration);
    builder.Services.AddSingleton<IValidateOptions<JobQueueOptions>, ClientModeQueueValidator>();
}

builder.Services.Configure<FormOptions>(o => o.MultipartBodyLengthLimit = api.MaxUploadBytes);
builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = api.MaxUploadBytes);
builder.Services.AddProblemDetails();
// The embedded silo adds its device check; an API of its own checks that it reaches the cluster.
var health = builder.Services.AddHealthChecks();
if (!OrleansHosting.IsEmbedded(builder.Configuration))
{
    health.AddCheck<ClusterHealthCheck>(ClusterHealthCheck.Name, tags: [HealthEndpoint.ReadinessOnly]);
}


// Kestrel's own request errors (a body over the size limit, bad framing) carry their status; keep it, not 500.
builder.Services.Configure<ExceptionHandlerOptions>(o => o.StatusCodeSelector = e => e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError);
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.WriteIndented = false);
builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
    .AddMeter("Microsoft.Orleans")
    .AddMeter("Microsoft.AspNetCore.Hosting")
    .AddMeter("Vsr.Queue")
    // The embedded silo's job backlog (vsr_chunks_pending); in Client mode nothing reports it here.
    .AddMeter(ChunkBacklog.MeterName)
    .AddMeter(DeviceProviderGauge.MeterName)
    .AddPrometheusExporter());

var app = builder.Build();
if (UploadForm.SweepLeftovers(api.ScratchDirectory, TimeSpan.FromHours(6)) is var swept and > 0)
{
    app.Logger.LogWarning("Removed {Count} upload(s) an earlier API process left in {Scratch}", swept, api.ScratchDirectory);
}

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapJobEndpoints();
app.MapUploadEndpoints();
app.MapJobListEndpoint();
app.MapPrometheusScrapingEndpoint();
app.MapServiceHealth();
if (OrleansHosting.IsEmbedded(builder.Configuration) && app.ProtectDashboard())
{
    app.MapOrleansDashboard(routePrefix: DashboardAccess.Path);
}

app.Run();

/// <summary>Entry point, visible to the API tests' WebApplicationFactory.</summary>
public partial class Program;
