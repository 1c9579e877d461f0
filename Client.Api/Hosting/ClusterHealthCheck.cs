using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Vsr.Api.Hosting;

/// <summary>
/// An API in <c>Orleans:Mode=Client</c> is only of use while it reaches the cluster: Unhealthy (503) when no silo
/// answers through its gateways within a few seconds, so that readiness takes the replica out of service instead of
/// letting every request fail with 500.
/// </summary>
public sealed class ClusterHealthCheck(IClusterClient client) : IHealthCheck
{
    public const string Name = "cluster";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var hosts = await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(Patience, cancellationToken);
            return hosts.Count > 0
                ? HealthCheckResult.Healthy($"{hosts.Count} active silo(s)")
                : HealthCheckResult.Unhealthy("The cluster has no active silo.");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"No silo answered within {Patience.TotalSeconds:0} s: {e.GetBaseException().Message}");
        }
    }
}
