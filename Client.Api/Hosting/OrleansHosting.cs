using Orleans.Dashboard;
using Orleans.Hosting;
using Vsr.Grains.Hosting;
using Vsr.Grains.Jobs;

namespace Vsr.Api.Hosting;

/// <summary>
/// The API is an Orleans client. In <c>Embedded</c> mode (the default of <c>./run.sh</c>) it also hosts one silo,
/// so a single process is a whole cluster; in <c>Client</c> mode it joins silos that run elsewhere.
/// </summary>
public static class OrleansHosting
{
    public static bool IsEmbedded(IConfiguration configuration) =>
        !string.Equals(configuration["Orleans:Mode"], "Client", StringComparison.OrdinalIgnoreCase);

    public static WebApplicationBuilder AddOrleans(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        if (IsEmbedded(configuration))
        {
            builder.UseOrleans(silo =>
            {
                silo.UseConfiguredClustering(configuration);
                silo.AddVideoEnhancement(configuration);
                silo.AddDashboard();
            });
        }
        else
        {
            builder.UseOrleansClient(client =>
            {
                client.UseConfiguredClustering(configuration);
                client.AddMemoryStreams(JobEvent.StreamProvider);
            });
        }

        return builder;
    }
}
