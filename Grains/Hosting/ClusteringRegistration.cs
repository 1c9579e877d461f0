using System.Net;
using Microsoft.Extensions.Configuration;
using Orleans.Configuration;
using Orleans.Hosting;

namespace Vsr.Grains.Hosting;

/// <summary>
/// Cluster membership from configuration, the same for silos and clients: <c>Orleans:Clustering</c> =
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
            var postgres = PostgresConnection.Require(configuration, "Orleans:Clustering=AdoNet");
            silo.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (PostgresConnection.Invariant, postgres));
            silo.ConfigureEndpoints(IPAddress.Loopback, siloPort, gatewayPort, listenOnAnyHostAddress: configuration.GetValue("Orleans:ListenOnAnyAddress", false));
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
            var postgres = PostgresConnection.Require(configuration, "Orleans:Clustering=AdoNet");
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
        string.Equals(configuration["Orleans:Clustering"], "AdoNet", StringComparison.OrdinalIgnoreCase);

    private static string ClusterId(IConfiguration configuration) => configuration["Orleans:ClusterId"] ?? "vsr-dev";

    private static string ServiceId(IConfiguration configuration) => configuration["Orleans:ServiceId"] ?? "vsr";
}
