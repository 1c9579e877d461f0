using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Vsr.Cluster.Tests.Support;
using Vsr.Tests.Shared;

namespace Vsr.Cluster.Tests.Api;

/// <summary>
/// The real API in its embedded mode (one co-hosted silo), on its own ports and temp directories. Extra settings and
/// service replacements let a test class run it with other limits or a scripted queue.
/// </summary>
public sealed class ApiFactory(IReadOnlyDictionary<string, string>? settings = null, Action<IServiceCollection>? services = null)
    : WebApplicationFactory<Program>
{
    private readonly TempDirectory _temp = new("vsr-api");

    private readonly int[] _ports = LoopbackPorts.Free(2);

    /// <summary>The co-hosted silo's ports, free ones of its own: other test runs on the machine use fixed ones.</summary>
    public int SiloPort => _ports[0];

    /// <inheritdoc cref="SiloPort"/>
    public int GatewayPort => _ports[1];

    public TempDirectory Temp => _temp;

    /// <summary>Where the filesystem object store keeps its objects.</summary>
    public string ObjectsDirectory => _temp.Combine("objects");

    /// <summary>The object keys stored under <c>jobs/{id}/</c>, '/'-separated.</summary>
    public IReadOnlyList<string> StoredKeys(Guid id)
    {
        var directory = Path.Combine(ObjectsDirectory, "jobs", id.ToString("N"));
        return Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(ObjectsDirectory, f).Replace('\\', '/')).Order().ToList()
            : [];
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Orleans:Mode", "Embedded");
        builder.UseSetting("Orleans:SiloPort", SiloPort.ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Orleans:GatewayPort", GatewayPort.ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Vsr:ModelsDirectory", RepoPaths.ModelsDirectory);
        builder.UseSetting("Vsr:WorkDirectory", _temp.Combine("work"));
        builder.UseSetting("Vsr:ObjectStoreDirectory", ObjectsDirectory);
        builder.UseSetting("Vsr:Api:ScratchDirectory", _temp.Combine("api"));
        builder.UseSetting("Vsr:Jobs:ChunkSeconds", "1");
        builder.UseSetting("Vsr:Jobs:Preset", "ultrafast");
        builder.UseSetting("Vsr:Devices:0", "cpu:0");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }

        if (services is not null)
        {
            builder.ConfigureTestServices(services);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _temp.Dispose();
    }
}
