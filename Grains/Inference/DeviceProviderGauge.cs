using System.Diagnostics.Metrics;
using Vsr.Engine.Inference;

namespace Vsr.Grains.Inference;

/// <summary>
/// Meter <c>Vsr.Devices</c>, one series per model device of this silo: <c>vsr_device_info</c> = 1 with tags
/// <c>device</c>, <c>configured</c> (the provider its id asks for) and <c>provider</c> (the one it runs on), and
/// <c>vsr_device_fallback</c> = 1 when those differ, else 0, for alerting on a GPU that runs on the CPU.
/// </summary>
public sealed class DeviceProviderGauge : IDisposable
{
    public const string MeterName = "Vsr.Devices";
    public const string InfoName = "vsr_device_info";
    public const string FallbackName = "vsr_device_fallback";

    private readonly Meter _meter = new(MeterName);

    public DeviceProviderGauge(IReadOnlyDictionary<DeviceId, ProviderChoice> providers)
    {
        var devices = providers.OrderBy(p => p.Key.ToString(), StringComparer.Ordinal).ToList();
        _meter.CreateObservableGauge(InfoName, () => devices.Select(d => new Measurement<int>(1,
            new("device", d.Key.ToString()),
            new("configured", ExecutionProviderSelection.DisplayName(d.Key.Provider)),
            new("provider", ExecutionProviderSelection.DisplayName(d.Value.Provider)))),
            description: "An inference device of this silo, with the provider its id asks for and the one it runs on.");
        _meter.CreateObservableGauge(FallbackName, () => devices.Select(d => new Measurement<int>(d.Value.Provider == d.Key.Provider ? 0 : 1,
            new KeyValuePair<string, object?>("device", d.Key.ToString()))),
            description: "1 when an inference device runs on a provider other than the one its id asks for (a GPU device on the CPU, TensorRT on CUDA).");
    }

    public void Dispose() => _meter.Dispose();
}
