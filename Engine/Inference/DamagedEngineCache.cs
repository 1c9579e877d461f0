using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace Vsr.Engine.Inference;

/// <summary>
/// TensorRT's engine cache heals: ONNX Runtime writes an engine file in place, so a process killed while it wrote
/// one (an out-of-memory kill during a build) leaves a file it cannot read, and every later run of that shape, on every
/// device that shares the cache, would fail on it. The file named in the failure is removed, and the engine is built
/// again once.
/// </summary>
public static class DamagedEngineCache
{
    /// <summary>The start of the failure ONNX Runtime's TensorRT provider reports for such a file, followed by its path.</summary>
    public const string Marker = "TensorRT EP could not deserialize engine from cache: ";

    /// <summary>
    /// When <paramref name="failure"/> is TensorRT's failure to read a cached engine inside <paramref name="directory"/>,
    /// removes that engine and its profile and returns true; otherwise touches nothing and returns false.
    /// </summary>
    public static bool TryRemove(OnnxRuntimeException failure, string directory, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var at = failure.Message.IndexOf(Marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return false;
        }

        var named = failure.Message[(at + Marker.Length)..].Trim().Split('\n')[0].Trim();
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)) + Path.DirectorySeparatorChar;
        var engine = Path.GetFullPath(named, root);
        if (!engine.StartsWith(root, StringComparison.Ordinal) || !File.Exists(engine))
        {
            // Not a file of this cache (or already gone): nothing here to mend.
            return false;
        }

        File.Delete(engine);
        var profile = Path.ChangeExtension(engine, ".profile");
        if (File.Exists(profile))
        {
            File.Delete(profile);
        }

        logger?.LogWarning("TensorRT could not read the cached engine {Engine}; it was removed and is built again", engine);
        return true;
    }
}
