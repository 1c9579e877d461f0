using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;

namespace Vsr.Grains.Hosting;

/// <summary>
/// Cluster membership from configuration, the same for silos and clients: <c>Vsr:Clustering</c> (not under
/// <c>Orleans:</c>, where Orleans 10 reads provider sections of its own) =
/// <c>Localhost</c> (one machine, the default) or <c>AdoNet</c> (PostgreSQL, <c>ConnectionStrings:Postgres</c>).
/// </summary>
public static class ClusteringRegistration
{
    public static ISiloBuilder UseConfiguredClustering(this ISiloBuilder silo, IConfiguration configuration)
    {
        var siloPort = configuration.GetValue("Orleans:SiloPort", 11111);
        var gatewayPort = configuration.GetValue("Orleans:GatewayPort", 30000);
        if (IsAdoNet(configuration))
        {
            var postgres = PostgresConnection.Require(configuration, "Vsr:Clustering=AdoNet");
            silo.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (PostgresConnection.Invariant, postgres));
            if (KubernetesHosting.IsWanted(configuration, Environment.GetEnvironmentVariable))
            {
                // Watches the cluster's silo pods: a silo whose pod is gone is declared dead at once instead of after
                // the membership probes time out. Registered first, so the endpoints and ids below stay ours.
                silo.UseKubernetesHosting();
            }

            // In Kubernetes the pod IP (downward API POD_IP) is what other silos and clients must dial.
            var advertised = configuration["Orleans:AdvertisedAddress"] ?? Environment.GetEnvironmentVariable("POD_IP");
            var address = string.IsNullOrWhiteSpace(advertised) ? IPAddress.Loopback : IPAddress.Parse(advertised);
            var listenOnAny = configuration.GetValue("Orleans:ListenOnAnyAddress", !IPAddress.IsLoopback(address));
            silo.ConfigureEndpoints(address, siloPort, gatewayPort, listenOnAnyHostAddress: listenOnAny);
            if (IPAddress.IsLoopback(address))
            {
                silo.Services.AddHostedService<LoopbackAddressWarning>();
            }
        }
        else
        {
            var primary = configuration["Orleans:PrimarySilo"] is { } text ? IPEndPoint.Parse(text) : null;
            silo.UseLocalhostClustering(siloPort, gatewayPort, primary);
        }

        silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterId(configuration), ServiceId(configuration)));
        return silo;
    }

    public static IClientBuilder UseConfiguredClustering(this IClientBuilder client, IConfiguration configuration)
    {
        if (IsAdoNet(configuration))
        {
            var postgres = PostgresConnection.Require(configuration, "Vsr:Clustering=AdoNet");
            client.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (PostgresConnection.Invariant, postgres));
        }
        else
        {
            client.UseLocalhostClustering(configuration.GetValue("Orleans:GatewayPort", 30000));
        }

        client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterId(configuration), ServiceId(configuration)));
        return client;
    }

    private static bool IsAdoNet(IConfiguration configuration) =>
        string.Equals(configuration["Vsr:Clustering"], "AdoNet", StringComparison.OrdinalIgnoreCase);

    private static string ClusterId(IConfiguration configuration) => configuration["Orleans:ClusterId"] ?? "vsr-dev";

    private static string ServiceId(IConfiguration configuration) => configuration["Orleans:ServiceId"] ?? "vsr";
}

/// <summary>
/// A silo on the shared membership table that advertises a loopback address is reachable from its own host only: fine for
/// <c>scripts/cluster.sh</c> on one machine, a cluster that votes its silos dead anywhere else. Said once at start.
/// </summary>
internal sealed class LoopbackAddressWarning(ILogger<LoopbackAddressWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogWarning("This silo advertises a loopback address in the PostgreSQL membership table (no Orleans:AdvertisedAddress, no POD_IP): " +
            "silos and API replicas on other hosts cannot reach it. Set Orleans:AdvertisedAddress to this host's address unless the whole cluster runs on this machine");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
