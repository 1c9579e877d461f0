using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Vsr.Engine.Inference;
using Vsr.Engine.Models;
using Vsr.Engine.Simulation;
using Vsr.Grains.Hosting;
using Vsr.Grains.Inference;

namespace Vsr.Cluster.Tests.Support;

/// <summary>A silo's <see cref="LocalDevices"/> outside a silo, with default options and the repository's model cache.</summary>
public static class SiloDevices
{
    public static LocalDevices Create(PlaceholderChunks placeholders, params string[] ids) => new(
        Options.Create(new NodeOptions { Devices = [.. ids] }),
        Options.Create(new InferenceOptions()),
        Options.Create(new SimulationOptions()),
        Options.Create(new JobOptions()),
        Options.Create(new Microsoft.Extensions.Hosting.HostOptions()),
        placeholders,
        new ModelCatalog(new ModelCatalogOptions { Directory = RepoPaths.ModelsDirectory }),
        NullLoggerFactory.Instance);
}
