namespace Vsr.Engine.Inference;

/// <summary>
/// An inference device on one machine: <c>cpu:0</c>, <c>cuda:1</c>, <c>tensorrt:0</c> (GPU 0 through TensorRT), or
/// <c>sim:0</c>, a SIMULATED device that runs no model and only stands in for one when measuring the scheduler.
/// </summary>
public readonly record struct DeviceId(string Kind, int Index)
{
    /// <summary>The execution provider this device asks for; the one it gets may be a fallback (see <see cref="ExecutionProviderSelection"/>).</summary>
    public ExecutionProviderKind Provider => Kind switch
    {
        "cuda" => ExecutionProviderKind.Cuda,
        "tensorrt" => ExecutionProviderKind.TensorRt,
        _ => ExecutionProviderKind.Cpu,
    };

    /// <summary>A simulated device: it holds each chunk for a configured time per frame and writes placeholder frames.</summary>
    public bool IsSimulated => Kind == "sim";

    public override string ToString() => $"{Kind}:{Index}";

    public static DeviceId Parse(string text)
    {
        var parts = text.Trim().ToLowerInvariant().Split(':');
        if (parts.Length == 2 && (parts[0] is "cpu" or "cuda" or "tensorrt" or "sim") && int.TryParse(parts[1], out var index) && index >= 0)
        {
            return new DeviceId(parts[0], index);
        }

        throw new FormatException($"'{text}' is not a device id; expected 'cpu:N', 'cuda:N', 'tensorrt:N' or 'sim:N' (simulated).");
    }
}
