namespace Vsr.Engine.Inference;

/// <summary>
/// A GPU device would run on the CPU while <see cref="InferenceOptions.RequireGpu"/> is set: the message names the
/// device and ONNX Runtime's reason for each provider passed over.
/// </summary>
public sealed class GpuRequiredException(DeviceId device, ProviderChoice choice) : Exception(Describe(device, choice))
{
    public DeviceId Device { get; } = device;

    public ProviderChoice Choice { get; } = choice;

    private static string Describe(DeviceId device, ProviderChoice choice) =>
        $"Vsr:Inference:RequireGpu is set, but device {device} cannot use the {ExecutionProviderSelection.DisplayName(device.Provider)} provider and would run on the CPU. "
        + string.Join(" ", choice.Skipped.Select(s => $"{ExecutionProviderSelection.DisplayName(s.Provider)}: {s.Reason}"));
}
