using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Serialization;
using Vsr.Engine.Inference;
using Vsr.Engine.Models;
using Vsr.Grains.Inference;
using Vsr.Grains.Jobs;
using Vsr.Grains.Placement;
using Vsr.Grains.State;
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
            .Validate(o => o.Devices.All(d => TryParseDevice(d)), "Vsr:Devices entries must look like 'cpu:0' or 'cuda:0'.")
            .ValidateOnStart();
        services.AddOptions<JobOptions>().Bind(configuration.GetSection(JobOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<InferenceOptions>().Bind(configuration.GetSection("Vsr:Inference"));

        services.AddSingleton(new ModelCatalog(node.ToCatalogOptions()));
        services.AddSingleton<LocalDevices>();
        services.AddSingleton<SourceProbeCache>();
        services.AddSingleton<DeviceDirectory>();
        services.AddSingleton<ChunkDispatcher>();
        services.AddSingleton<IObjectStore>(new FileSystemObjectStore(node.ObjectStoreDirectory));

        silo.AddPlacementDirector<SiloKeyedPlacement, SiloKeyedPlacementDirector>();
        silo.UseSiloMetadata(new Dictionary<string, string> { [DeviceDirectory.MetadataKey] = string.Join(',', node.Devices) });
        silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = jobs.ChunkTimeout + TimeSpan.FromMinutes(1));

        if (string.Equals(node.GrainState, "FileSystem", StringComparison.OrdinalIgnoreCase))
        {
            services.AddGrainStorage(JobGrain.StorageName, (sp, _) => new FileGrainStorage(node.GrainStateDirectory, sp.GetRequiredService<Serializer>()));
        }
        else
        {
            silo.AddMemoryGrainStorage(JobGrain.StorageName);
        }

        return silo;
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
