using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Vsr.Api.Hosting;
using Vsr.Grains.Intake;
using Vsr.Queue;

namespace Vsr.Cluster.Tests.Api;

/// <summary>
/// Two API replicas over one cluster, as the Kubernetes manifests run them: each its own process-local state, both on
/// Kestrel, one object store and one queue (the broker) between them. The first co-hosts the cluster's silo, the second
/// is a pure Orleans client of it. The submission lease is short, so a test can see one run out.
/// </summary>
public sealed class ApiReplicasFixture : IAsyncLifetime
{
    // Short, so a test can see one run out, yet renewed every second: a stall of a loaded machine under 2 s loses nothing.
    public static readonly TimeSpan SubmissionLease = TimeSpan.FromSeconds(3);

    private static readonly string LeaseSetting = SubmissionLease.ToString("c", CultureInfo.InvariantCulture);

    /// <summary>The replica with the silo, its queue scripted as in <see cref="EdgeApiFixture"/>.</summary>
    public ApiFactory First { get; } = new(
        new Dictionary<string, string> { ["Vsr:Api:SubmissionLease"] = LeaseSetting },
        services =>
        {
            services.AddSingleton<ScriptedJobQueue>();
            services.AddSingleton<IJobQueue>(provider => provider.GetRequiredService<ScriptedJobQueue>());
        });

    /// <summary>The replica in <c>Orleans:Mode=Client</c>, publishing to the first one's queue.</summary>
    public ApiFactory Second { get; private set; } = null!;

    /// <summary>When set, the second replica's renewals of submission claims fail, as if it were cut off from the silo.</summary>
    public bool CutOffSecondsRenewals { get; set; }

    public HttpClient FirstClient { get; private set; } = null!;

    public HttpClient SecondClient { get; private set; } = null!;

    public ScriptedJobQueue Queue => First.Services.GetRequiredService<ScriptedJobQueue>();

    public IGrainFactory Grains => First.Services.GetRequiredService<IGrainFactory>();

    public Task InitializeAsync()
    {
        First.UseKestrel(0);
        First.StartServer();
        FirstClient = First.CreateClient();

        var queue = Queue;
        Second = new ApiFactory(
            new Dictionary<string, string>
            {
                ["Orleans:Mode"] = "Client",
                ["Orleans:GatewayPort"] = First.GatewayPort.ToString(CultureInfo.InvariantCulture),
                ["Vsr:ObjectStoreDirectory"] = First.ObjectsDirectory,
                ["Vsr:Api:SubmissionLease"] = LeaseSetting,
            },
            services =>
            {
                // An API cut off from the silo: its renewals of submission claims go unanswered.
                services.AddSingleton<IOutgoingGrainCallFilter>(new RenewalCutOff(() => CutOffSecondsRenewals));

                // The shared queue stands in for the broker that a client-mode API must have.
                services.AddSingleton<IJobQueue>(queue);
                foreach (var brokerCheck in services.Where(s => s.ImplementationType == typeof(ClientModeQueueValidator)).ToList())
                {
                    services.Remove(brokerCheck);
                }
            });
        Second.UseKestrel(0);
        Second.StartServer();
        SecondClient = Second.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        SecondClient.Dispose();
        await Second.DisposeAsync();
        FirstClient.Dispose();
        await First.DisposeAsync();
    }

    private sealed class RenewalCutOff(Func<bool> cutOff) : IOutgoingGrainCallFilter
    {
        public Task Invoke(IOutgoingGrainCallContext call) =>
            cutOff() && call.Grain is ISubmissionGrain && call.MethodName == nameof(ISubmissionGrain.Renew)
                ? Task.FromException(new TimeoutException("The silo did not answer in time (cut off by the test)."))
                : call.Invoke();
    }
}
