using Orleans.Dashboard;
using OpenTelemetry.Metrics;
using Serilog;
using Vsr.Database;
using Vsr.Grains.Hosting;
using Vsr.Grains.Inference;
using Vsr.Grains.Jobs;

// A silo process: hosts job grains and the inference grains of the devices listed in Vsr:Devices.
// `Vsr.Silo --init-db` applies the PostgreSQL schema (idempotent) and exits: run it before the first silo, or as a
// Kubernetes Job.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSerilog((services, log) => log.ReadFrom.Configuration(builder.Configuration).Enrich.FromLogContext().WriteTo.Console());

if (args.Contains("--init-db"))
{
    var connection = PostgresConnection.Require(builder.Configuration, "--init-db");
    using var init = builder.Build();
    await new SchemaInitializer(connection, init.Services.GetRequiredService<ILogger<SchemaInitializer>>()).ApplyAsync(CancellationToken.None);
    return;
}

builder.UseOrleans(silo =>
{
    silo.UseConfiguredClustering(builder.Configuration);
    silo.AddVideoEnhancement(builder.Configuration);
    silo.AddDashboard();
});
builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter("Microsoft.Orleans").AddMeter("Vsr.Queue").AddMeter(ChunkBacklog.MeterName)
    .AddMeter(DeviceProviderGauge.MeterName).AddPrometheusExporter());

var app = builder.Build();
app.MapPrometheusScrapingEndpoint();
if (app.ProtectDashboard())
{
    app.MapOrleansDashboard(routePrefix: DashboardAccess.Path);
}

app.MapServiceHealth();
app.Run();
