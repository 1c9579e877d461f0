using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Vsr.Cluster.Tests.Api;
using Vsr.Cluster.Tests.Support;
using Vsr.Engine.Inference;
using Vsr.Engine.Simulation;
using Vsr.Grains.Hosting;
using Vsr.Grains.Inference;

namespace Vsr.Cluster.Tests.Inference;

// No node has a GPU numbered 61 to 63, so those devices take the real fallback to the CPU here (where the CUDA provider
// lacks its CUDA libraries) and on a GPU node alike (where the probe session fails on the device number).
public sealed class DeviceFallbackTests
{
    [Fact]
    public async Task A_cuda_device_on_the_cpu_makes_health_degraded_with_the_reason_and_shows_in_the_device_gauges()
    {
        await using var factory = new ApiFactory(new Dictionary<string, string> { ["Vsr:Devices:0"] = "cuda:63" });
        using var http = factory.CreateClient();

        using var health = await http.GetAsync(HealthEndpoint.Path);
        using var report = JsonDocument.Parse(await health.Content.ReadAsStringAsync());
        var metrics = await http.GetStringAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Degraded", report.RootElement.GetProperty("status").GetString());
        var devices = report.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == DeviceHealthCheck.Name);
        Assert.Contains("cuda:63 is configured for CUDA but runs on CPU: CUDA: ", devices.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Contains(metrics.Split('\n'), line => line.StartsWith("vsr_device_info{", StringComparison.Ordinal)
            && line.Contains("device=\"cuda:63\"", StringComparison.Ordinal) && line.Contains("configured=\"CUDA\"", StringComparison.Ordinal)
            && line.Contains("provider=\"CPU\"", StringComparison.Ordinal) && line.Contains("} 1", StringComparison.Ordinal));
        Assert.Contains(metrics.Split('\n'), line => line.StartsWith("vsr_device_fallback{", StringComparison.Ordinal)
            && line.Contains("device=\"cuda:63\"", StringComparison.Ordinal) && line.Contains("} 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_RequireGpu_a_cuda_device_on_the_cpu_stops_the_silo_at_start_up_naming_the_device_and_the_reason()
    {
        await using var factory = new ApiFactory(new Dictionary<string, string>
        {
            ["Vsr:Devices:0"] = "cuda:63",
            ["Vsr:Inference:RequireGpu"] = "true",
        });

        var refused = Record.Exception(() => factory.CreateClient().Dispose());

        Assert.NotNull(refused);
        var message = refused.ToString();
        Assert.Contains("Vsr:Inference:RequireGpu", message, StringComparison.Ordinal);
        Assert.Contains("device cuda:63 cannot use the CUDA provider", message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_cpu_threads_are_shared_by_every_device_on_the_cpu_provider_fallen_back_gpu_devices_included()
    {
        using var placeholders = new PlaceholderChunks();
        using var devices = SiloDevices.Create(placeholders, "cuda:63", "cuda:62", "tensorrt:61", "cpu:0", "sim:0");

        Assert.All(devices.Providers.Values, choice => Assert.Equal(ExecutionProviderKind.Cpu, choice.Provider));
        Assert.Equal(4, devices.Providers.Count); // sim:0 runs no model
        foreach (var id in devices.Providers.Keys)
        {
            Assert.Equal(4, devices.OptionsFor(id).CpuDevicesOnMachine);
            Assert.Equal(Math.Max(1, Environment.ProcessorCount / 4), devices.OptionsFor(id).CpuThreads);
        }
    }

    [Fact]
    public async Task Devices_on_the_provider_they_ask_for_are_healthy()
    {
        using var placeholders = new PlaceholderChunks();
        using var devices = SiloDevices.Create(placeholders, "cpu:0", "cpu:1");

        var result = await new DeviceHealthCheck(devices).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Healthy, result.Status);
    }
}
