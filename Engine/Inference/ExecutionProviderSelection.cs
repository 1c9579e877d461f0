namespace Vsr.Engine.Inference;

/// <summary>
/// Decides which provider a device runs on: the one asked for when it loads, otherwise the next one down
/// (TensorRT → CUDA → CPU). The CPU provider always loads. A missing GPU stack is a fallback, never an error.
/// </summary>
public static class ExecutionProviderSelection
{
    /// <summary>The providers tried for <paramref name="requested"/>, in order.</summary>
    public static IReadOnlyList<ExecutionProviderKind> FallbackOrder(ExecutionProviderKind requested) => requested switch
    {
        ExecutionProviderKind.TensorRt => [ExecutionProviderKind.TensorRt, ExecutionProviderKind.Cuda, ExecutionProviderKind.Cpu],
        ExecutionProviderKind.Cuda => [ExecutionProviderKind.Cuda, ExecutionProviderKind.Cpu],
        _ => [ExecutionProviderKind.Cpu],
    };

    /// <param name="probe">Tries to load a provider: null when it loads, otherwise the reason it does not. Asked at most once per provider, never about the CPU.</param>
    public static ProviderChoice Choose(ExecutionProviderKind requested, Func<ExecutionProviderKind, string?> probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        var reasons = new Dictionary<ExecutionProviderKind, string?>();
        var order = FallbackOrder(requested);
        var skipped = new List<SkippedProvider>();
        for (var i = 0; i < order.Count - 1; i++)
        {
            // TensorRT hands the nodes it cannot build to CUDA, so it needs CUDA as well as itself.
            var reason = Needs(order[i]).Select(p => reasons.TryGetValue(p, out var known) ? known : reasons[p] = probe(p)).FirstOrDefault(r => r is not null);
            if (reason is null)
            {
                return new ProviderChoice(order[i], skipped);
            }

            skipped.Add(new SkippedProvider(order[i], reason, order[i + 1]));
        }

        return new ProviderChoice(ExecutionProviderKind.Cpu, skipped);
    }

    private static ExecutionProviderKind[] Needs(ExecutionProviderKind provider) => provider == ExecutionProviderKind.TensorRt
        ? [ExecutionProviderKind.TensorRt, ExecutionProviderKind.Cuda]
        : [provider];

    /// <summary>The name ONNX Runtime and the logs use: <c>CPU</c>, <c>CUDA</c>, <c>TensorRT</c>.</summary>
    public static string DisplayName(ExecutionProviderKind provider) => provider switch
    {
        ExecutionProviderKind.Cuda => "CUDA",
        ExecutionProviderKind.TensorRt => "TensorRT",
        _ => "CPU",
    };
}
