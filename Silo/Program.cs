using Orleans.Configuration;
using Orleans.Dashboard;
using OpenTelemetry.Metrics;
using Serilog;
using Vsr.Grains.Hosting;

// A silo process: hosts job grains and the inference grains of the devices listed in Vsr:Devices.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSerilog((services, log) => log.ReadFrom.Configuration(builder.Configuration).Enrich.FromLogContext().WriteTo.Console());
builder.UseOrleans(silo =>
{
    var configuration = builder.Configuration;
    silo.UseLocalhostClustering(
        configuration.GetValue("Orleans:SiloPort", 11111),
        configuration.GetValue("Orleans:GatewayPort", 30000),
        configuration["Orleans:PrimarySilo"] is { } primary ? System.Net.IPEndPoint.Parse(primary) : null);
    silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (configuration["Orleans:ClusterId"] ?? "vsr-dev", configuration["Orleans:ServiceId"] ?? "vsr"));
    silo.AddVideoEnhancement(configuration);
    silo.AddDashboard();
});
builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter("Microsoft.Orleans").AddPrometheusExporter());

var app = builder.Build();
app.MapPrometheusScrapingEndpoint();
app.MapOrleansDashboard(routePrefix: "/dashboard");
app.MapGet("/health", () => TypedResults.Ok(new { status = "ok" }));
app.Run();
