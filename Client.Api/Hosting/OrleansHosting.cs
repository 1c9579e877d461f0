using System.Net;
using Orleans.Configuration;
using Orleans.Dashboard;
using Vsr.Grains.Hosting;

namespace Vsr.Api.Hosting;

/// <summary>
/// The API is an Orleans client. In <c>Embedded</c> mode (the default of <c>./run.sh</c>) it also hosts one silo
/// with localhost clustering, so a single process is a whole cluster.
/// </summary>
public static class OrleansHosting
{
    public static bool IsEmbedded(IConfiguration configuration) =>
        !string.Equals(configuration["Orleans:Mode"], "Client", StringComparison.OrdinalIgnoreCase);

    public static WebApplicationBuilder AddOrleans(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var clusterId = configuration["Orleans:ClusterId"] ?? "vsr-dev";
        var serviceId = configuration["Orleans:ServiceId"] ?? "vsr";
        var siloPort = configuration.GetValue("Orleans:SiloPort", 11111);
        var gatewayPort = configuration.GetValue("Orleans:GatewayPort", 30000);

        if (IsEmbedded(configuration))
        {
            builder.UseOrleans(silo =>
            {
                silo.UseLocalhostClustering(siloPort, gatewayPort);
                silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, serviceId));
                silo.AddVideoEnhancement(configuration);
                silo.AddDashboard();
            });
        }
        else
        {
            builder.UseOrleansClient(client =>
            {
                client.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, gatewayPort));
                client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, serviceId));
            });
        }

        return builder;
    }
}
