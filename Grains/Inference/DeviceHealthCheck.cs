using Microsoft.Extensions.Diagnostics.HealthChecks;
using Vsr.Engine.Inference;

namespace Vsr.Grains.Inference;

/// <summary>
/// Degraded (still HTTP 200, so Kubernetes neither restarts nor unreadies the pod) while a device runs on a provider
/// other than the one its id asks for, with each device and ONNX Runtime's reason; healthy otherwise.
/// </summary>
public sealed class DeviceHealthCheck(LocalDevices devices) : IHealthCheck
{
    public const string Name = "devices";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var fallbacks = devices.Providers.Where(p => p.Value.Provider != p.Key.Provider).OrderBy(p => p.Key.ToString(), StringComparer.Ordinal).ToList();
        var data = devices.Providers.ToDictionary(p => p.Key.ToString(), p => (object)ExecutionProviderSelection.DisplayName(p.Value.Provider));
        if (fallbacks.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy($"{data.Count} device(s) on the provider they ask for", data));
        }

        var reasons = fallbacks.Select(p =>
            $"{p.Key} is configured for {ExecutionProviderSelection.DisplayName(p.Key.Provider)} but runs on {ExecutionProviderSelection.DisplayName(p.Value.Provider)}: "
            + string.Join("; ", p.Value.Skipped.Select(s => $"{ExecutionProviderSelection.DisplayName(s.Provider)}: {s.Reason}")));
        return Task.FromResult(HealthCheckResult.Degraded(string.Join(" | ", reasons), data: data));
    }
}
