using System.Security.Cryptography;
using System.Text;
using Microsoft.ML.OnnxRuntime;

namespace Vsr.Engine.Inference;

/// <summary>
/// What an optimized model depends on: the model's bytes (sha256), the provider, the precision and the tile size
/// (TensorRT builds engines per input shape). <see cref="Host"/> adds what ONNX Runtime's saved graph is specific
/// to: its own version and the CPU's vector instructions (the NCHWc layout's block size follows them).
/// </summary>
public readonly record struct VariantKey(string ModelHash, ExecutionProviderKind Provider, InferencePrecision Precision, int TileSize)
{
    private static readonly Lazy<string> HostTag = new(ComputeHostTag);

    public static string Host => HostTag.Value;

    /// <summary>A file name stem: <c>{hash}-{precision}-r{recipe}-{provider}-tile{n}-{host}</c>.</summary>
    public string FileStem => string.Join('-', ModelHash, Precision.ToString().ToLowerInvariant(), $"r{Variants.ModelVariants.RecipeVersion}",
        Provider.ToString().ToLowerInvariant(), $"tile{TileSize}", Host);

    /// <summary>The first 16 hex digits of the file's sha256.</summary>
    public static string HashOf(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream))[..16];
    }

    private static string ComputeHostTag()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? string.Join('\n', File.ReadLines("/proc/cpuinfo").Where(l => l.StartsWith("model name", StringComparison.Ordinal) || l.StartsWith("flags", StringComparison.Ordinal)).Distinct())
            : Environment.GetEnvironmentVariable("PROCESSOR_IDENTIFIER") ?? "unknown";
        var text = $"{OrtEnv.Instance().GetVersionString()}\n{System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}\n{cpu}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..8];
    }
}
