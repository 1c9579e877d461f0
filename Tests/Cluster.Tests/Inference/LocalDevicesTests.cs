using System.Diagnostics;
using Vsr.Cluster.Tests.Support;
using Vsr.Engine.Simulation;

namespace Vsr.Cluster.Tests.Inference;

public sealed class LocalDevicesTests
{
    // The silo's container disposes the devices twice: as themselves and as the lifecycle participant their factory
    // hands out. Each device gate is held from the first dispose on, and a second that waited for them took 30 s each.
    [Fact]
    public async Task Disposing_the_devices_a_second_time_returns_at_once()
    {
        using var placeholders = new PlaceholderChunks();
        var devices = SiloDevices.Create(placeholders, "sim:0", "sim:1");
        foreach (var id in devices.Configured)
        {
            (await devices.AcquireAsync(id, CancellationToken.None)).Dispose();
        }

        devices.Dispose();
        var second = Stopwatch.StartNew();
        var thrown = Record.Exception(devices.Dispose);
        second.Stop();

        Assert.Null(thrown);
        Assert.True(second.Elapsed < TimeSpan.FromSeconds(5), $"the second dispose took {second.Elapsed}");
        Assert.True(devices.ShuttingDown.IsCancellationRequested);
    }
}
