using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Serialization;
using Orleans.Storage;
using Vsr.Engine.Inference;
using Vsr.Engine.Models;
using Vsr.Engine.Simulation;
using Vsr.Grains.Inference;
using Vsr.Grains.Intake;
using Vsr.Queue;
using Vsr.Grains.Jobs;
using Vsr.Grains.Placement;
using Vsr.Grains.State;
using Vsr.Grains.Webhooks;
using Vsr.Storage;

namespace Vsr.Grains.Hosting;

public static class SiloBuilderExtensions
{
    /// <summary>
    /// Everything a silo needs to run jobs and devices: placement, devices advertised in silo metadata, the model
    /// catalog, the object store and job state. Clustering is left to the host.
    /// </summary>
    public static ISiloBuilder AddVideoEnhancement(this ISiloBuilder silo, IConfiguration configuration)
    {
        var node = configuration.GetSection(NodeOptions.Section).Get<NodeOptions>() ?? new NodeOptions();
        var jobs = configuration.GetSection(JobOptions.Section).Get<JobOptions>() ?? new JobOptions();
        var services = silo.Services;

        services.AddOptions<NodeOptions>().Bind(configuration.GetSection(NodeOptions.Section))
            .Validate(o => o.Devices.All(d => TryParseDevice(d)), "Vsr:Devices entries must look like 'cpu:0', 'cuda:0', 'tensorrt:0' or 'sim:0' (simulated).")
            .ValidateOnStart();
        services.AddOptions<JobOptions>().Bind(configuration.GetSection(JobOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<InferenceOptions>().Bind(configuration.GetSection("Vsr:Inference"));
        services.AddOptions<SimulationOptions>().Bind(configuration.GetSection(SimulationOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.Section)).ValidateDataAnnotations()
            .Validate(o => TrySigningKey(o), $"{WebhookOptions.Section}:SigningSecret must be 'whsec_' followed by the base64 of a 24 to 64 byte key.")
            .ValidateOnStart();
        services.AddSingleton<WebhookSender>();

        services.AddSingleton(new ModelCatalog(node.ToCatalogOptions()));
        services.AddSingleton<ModelChooser>();
        services.AddSingleton<LocalDevices>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<LocalDevices>());
        services.AddHealthChecks().AddCheck<DeviceHealthCheck>(DeviceHealthCheck.Name);
        services.AddSingleton<PlaceholderChunks>();
        services.AddSingleton<SourceProbeCache>();
        services.AddSingleton<SourceCopies>();
        services.AddSingleton<DeviceDirectory>();
        services.AddSingleton<ChunkDispatcher>();
        services.AddSingleton<ChunkBacklog>();
        services.AddSingleton<QualityGainMeter>();
        services.AddObjectStore(configuration);
        services.AddJobQueue(configuration);
        services.AddJobQueueConsumer<SubmitJobToGrain>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDeadLetterObserver, DeadLetterRecorder>());

        // Created at start rather than with the first job, so every silo reports a backlog of 0 until it has one: an HPA
        // whose external metric has no series does not scale down.
        silo.AddStartupTask((sp, _) =>
        {
            sp.GetRequiredService<ChunkBacklog>();
            return Task.CompletedTask;
        });
        silo.AddPlacementDirector<SiloKeyedPlacement, SiloKeyedPlacementDirector>();
        silo.UseSiloMetadata(new Dictionary<string, string> { [DeviceDirectory.MetadataKey] = string.Join(',', node.Devices) });
        silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = jobs.ChunkTimeout + TimeSpan.FromMinutes(1));

        silo.AddMemoryStreams(JobEvent.StreamProvider);
        silo.AddMemoryGrainStorage("PubSubStore");
        silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromTicks(Math.Min(o.MinimumReminderPeriod.Ticks, jobs.ResumeCheckPeriod.Ticks)));

        switch (node.GrainState.ToLowerInvariant())
        {
            case "adonet":
                var postgres = PostgresConnection.Require(configuration, "Vsr:GrainState=AdoNet");
                // Orleans' own binary format (versioned by the [Id] attributes), not the provider's default JSON, which
                // cannot rebuild the immutable records the state holds.
                silo.AddAdoNetGrainStorage(JobGrain.StorageName, (OptionsBuilder<AdoNetGrainStorageOptions> o) => o.Configure<Serializer>((options, serializer) =>
                {
                    (options.Invariant, options.ConnectionString) = (PostgresConnection.Invariant, postgres);
                    options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
                }));
                silo.UseAdoNetReminderService(o => (o.Invariant, o.ConnectionString) = (PostgresConnection.Invariant, postgres));
                break;
            case "filesystem":
                services.AddSingleton(sp => new FileGrainStorage(node.GrainStateDirectory, sp.GetRequiredService<Serializer>()));
                services.AddGrainStorage(JobGrain.StorageName, (sp, _) => sp.GetRequiredService<FileGrainStorage>());
                silo.UseInMemoryReminderService();
                // In-memory reminders do not outlive the silos, so unfinished jobs are woken from the state files instead.
                services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, UnfinishedJobResumer>();
                break;
            case "memory":
                silo.AddMemoryGrainStorage(JobGrain.StorageName);
                silo.UseInMemoryReminderService();
                break;
            default:
                throw new InvalidOperationException($"Vsr:GrainState is '{node.GrainState}'; use Memory, FileSystem or AdoNet.");
        }

        return silo;
    }

    private static bool TrySigningKey(WebhookOptions options)
    {
        try
        {
            options.SigningKey();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool TryParseDevice(string text)
    {
        try
        {
            DeviceId.Parse(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
