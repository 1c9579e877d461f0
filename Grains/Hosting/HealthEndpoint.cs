using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Vsr.Grains.Hosting;

/// <summary>
/// <c>GET /health</c> of the silo and the API: the registered health checks as JSON (<c>status</c> plus each check's
/// status and description). Healthy and Degraded answer 200, so a degraded node (a GPU device on the CPU) stays in
/// service and visible; only Unhealthy answers 503.
/// </summary>
public static class HealthEndpoint
{
    public const string Path = "/health";

    /// <summary>
    /// <c>GET /health/live</c>: the same, without the checks tagged <see cref="ReadinessOnly"/>. A liveness probe asks this
    /// one: an API whose cluster is away is not ready, but restarting it mends nothing and kills the uploads it streams.
    /// </summary>
    public const string LivenessPath = "/health/live";

    /// <summary>The tag of a check that only decides whether a node takes traffic, never whether it is restarted.</summary>
    public const string ReadinessOnly = "ready";

    public static void MapServiceHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks(Path, Options(_ => true));
        endpoints.MapHealthChecks(LivenessPath, Options(check => !check.Tags.Contains(ReadinessOnly)));
    }

    private static HealthCheckOptions Options(Func<HealthCheckRegistration, bool> predicate) =>
        new()
        {
            Predicate = predicate,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
            ResponseWriter = (context, report) => context.Response.WriteAsJsonAsync(new
            {
                status = report.Status.ToString(),
                checks = report.Entries.Select(entry => new { name = entry.Key, status = entry.Value.Status.ToString(), description = entry.Value.Description }),
            }),
        };
}
