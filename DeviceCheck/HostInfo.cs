using Microsoft.ML.OnnxRuntime;

namespace Vsr.DeviceCheck;

/// <summary>What the report says about the machine: its GPUs as the driver names them, its CPUs, and ONNX Runtime.</summary>
/// <param name="Gpus">From the NVIDIA driver's <c>/proc</c> files; empty when there is no driver.</param>
/// <param name="OrtProviders">The providers this ONNX Runtime build contains; a provider listed here may still fail to load its libraries.</param>
public sealed record HostInfo(string Machine, int LogicalProcessors, IReadOnlyList<string> Gpus, string OrtVersion, IReadOnlyList<string> OrtProviders)
{
    private const string NvidiaGpus = "/proc/driver/nvidia/gpus";

    public static HostInfo Read()
    {
        var gpus = Directory.Exists(NvidiaGpus)
            ? Directory.GetDirectories(NvidiaGpus).Order()
                .Select(d => Path.Combine(d, "information"))
                .Where(File.Exists)
                .Select(f => File.ReadLines(f).FirstOrDefault(l => l.StartsWith("Model:", StringComparison.Ordinal))?["Model:".Length..].Trim() ?? "unknown model")
                .ToArray()
            : [];
        var ort = OrtEnv.Instance();
        return new HostInfo(Environment.MachineName, Environment.ProcessorCount, gpus, ort.GetVersionString(), ort.GetAvailableProviders());
    }
}
