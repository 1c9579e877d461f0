using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vsr.Grains.Hosting;

namespace Vsr.Integration.Tests.Deployment;

public sealed class KubernetesHostingTests
{
    [Theory]
    [InlineData(null, null, false)]
    [InlineData(null, "10.96.0.1", true)]
    [InlineData("false", "10.96.0.1", false)]
    [InlineData("true", null, true)]
    public void Hosting_follows_the_setting_else_whether_the_silo_runs_in_a_pod(string? setting, string? serviceHost, bool expected)
    {
        var configuration = Configuration(setting is null ? [] : new() { [KubernetesHosting.Setting] = setting });

        Assert.Equal(expected, KubernetesHosting.IsWanted(configuration, name => name == "KUBERNETES_SERVICE_HOST" ? serviceHost : null));
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void An_adonet_silo_registers_the_kubernetes_cluster_agent_only_when_hosting_is_wanted(string setting, bool registered)
    {
        var configuration = Configuration(new()
        {
            ["Vsr:Clustering"] = "AdoNet",
            ["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Port=1;Database=none",
            [KubernetesHosting.Setting] = setting,
        });
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo => silo.UseConfiguredClustering(configuration));

        var agents = builder.Services.Where(d => (d.ImplementationType?.FullName ?? string.Empty).Contains("KubernetesClusterAgent", StringComparison.Ordinal));

        Assert.Equal(registered, agents.Any());
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
