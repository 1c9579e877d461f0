using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Vsr.Cluster.Tests.Support;

namespace Vsr.Cluster.Tests.Api;

/// <summary>The real API in its embedded mode (one co-hosted silo), on its own ports and temp directories.</summary>
public sealed class ApiFactory : WebApplicationFactory<Program>
{
    private readonly TempDirectory _temp = new("vsr-api");

    public TempDirectory Temp => _temp;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Orleans:Mode", "Embedded");
        builder.UseSetting("Orleans:SiloPort", "21111");
        builder.UseSetting("Orleans:GatewayPort", "40000");
        builder.UseSetting("Vsr:ModelsDirectory", RepoPaths.ModelsDirectory);
        builder.UseSetting("Vsr:WorkDirectory", _temp.Combine("work"));
        builder.UseSetting("Vsr:ObjectStoreDirectory", _temp.Combine("objects"));
        builder.UseSetting("Vsr:Api:ScratchDirectory", _temp.Combine("api"));
        builder.UseSetting("Vsr:Jobs:ChunkSeconds", "1");
        builder.UseSetting("Vsr:Jobs:Preset", "ultrafast");
        builder.UseSetting("Vsr:Devices:0", "cpu:0");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _temp.Dispose();
    }
}
