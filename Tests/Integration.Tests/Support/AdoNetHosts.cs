using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Vsr.Integration.Tests.Grains;

namespace Vsr.Integration.Tests.Support;

/// <summary>
/// Plain generic hosts, as a real deployment builds them: a silo with ADO.NET clustering, grain storage and
/// reminders on PostgreSQL, and a client that finds the silo through the same membership table.
/// </summary>
public static class AdoNetHosts
{
    public const string ClusterId = "vsr-integration";
    public const string ServiceId = "vsr";
    private const string Invariant = "Npgsql";

    public static async Task<IHost> StartSiloAsync(string connectionString)
    {
        var host = new HostBuilder()
            .ConfigureLogging(QuietLogging)
            .UseOrleans(silo =>
            {
                silo.Configure<ClusterOptions>(Cluster);
                silo.ConfigureEndpoints(IPAddress.Loopback, FreePorts.Next(), FreePorts.Next());
                silo.UseAdoNetClustering(o => { o.Invariant = Invariant; o.ConnectionString = connectionString; });
                silo.AddAdoNetGrainStorage(TallyGrain.StorageName, o => { o.Invariant = Invariant; o.ConnectionString = connectionString; });
                silo.UseAdoNetReminderService(o => { o.Invariant = Invariant; o.ConnectionString = connectionString; });
            })
            .Build();
        await host.StartAsync();
        return host;
    }

    public static async Task<IHost> StartClientAsync(string connectionString)
    {
        var host = new HostBuilder()
            .ConfigureLogging(QuietLogging)
            .UseOrleansClient(client =>
            {
                client.Configure<ClusterOptions>(Cluster);
                client.UseAdoNetClustering(o => { o.Invariant = Invariant; o.ConnectionString = connectionString; });
            })
            .Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>Stops gracefully, as a rolling restart would: the silo marks itself dead in the table.</summary>
    public static async Task StopAsync(IHost host)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.StopAsync(timeout.Token);
        host.Dispose();
    }

    private static void Cluster(ClusterOptions options)
    {
        options.ClusterId = ClusterId;
        options.ServiceId = ServiceId;
    }

    private static void QuietLogging(ILoggingBuilder logging) => logging.SetMinimumLevel(LogLevel.Warning);
}
