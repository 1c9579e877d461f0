using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Vsr.Engine.Models;
using Vsr.Engine.Variants;

namespace Vsr.Engine.Inference;

/// <summary>
/// Model variants (fp16, INT8) and ONNX Runtime's optimized graphs, each built once into a cache directory and reused
/// by every later session, in this process or another. Files appear whole (temporary file + rename); within a
/// process one builder per file does the work while the others wait for it.
/// </summary>
public sealed class OptimizedModelCache(string directory)
{
    private static readonly ConcurrentDictionary<string, Lock> Builders = new();

    public string Directory { get; } = Path.GetFullPath(directory);

    /// <summary>The file of <paramref name="modelPath"/> at <paramref name="precision"/>: the model itself for fp32, otherwise built on first use.</summary>
    /// <param name="rebuild">Build it again over a cached file that did not load (damaged by a crash, say).</param>
    /// <exception cref="InvalidDataException">The model is not one the engine's ONNX reader understands.</exception>
    public string VariantPath(string modelPath, string modelHash, InferencePrecision precision, bool rebuild = false)
    {
        if (precision == InferencePrecision.Fp32)
        {
            return modelPath;
        }

        var target = VariantFile(modelHash, precision);
        Once(target, () =>
        {
            // A fidelity measured on the file this one replaces says nothing of it.
            if (File.Exists(FidelityFile(target)))
            {
                File.Delete(FidelityFile(target));
            }

            AtomicFile.Write(target, ModelVariants.Build(File.ReadAllBytes(modelPath), precision));
        }, force: rebuild);
        return target;
    }

    /// <summary>
    /// How close the <paramref name="precision"/> variant's output stays to the fp32 model's (PSNR in dB, see
    /// <see cref="VariantFidelity"/>): measured once, on the CPU, and kept beside the variant in <c>FILE.psnr</c>.
    /// </summary>
    /// <exception cref="OnnxRuntimeException">Either model does not run.</exception>
    public double Fidelity(string modelPath, string modelHash, InferencePrecision precision)
    {
        var variant = VariantPath(modelPath, modelHash, precision);
        if (precision == InferencePrecision.Fp32)
        {
            return double.PositiveInfinity;
        }

        var file = FidelityFile(variant);
        if (ReadFidelity(file) is { } known)
        {
            return known;
        }

        lock (Builders.GetOrAdd(file, _ => new Lock()))
        {
            if (ReadFidelity(file) is { } measured)
            {
                return measured;
            }

            var psnr = VariantFidelity.PsnrAgainstFp32(File.ReadAllBytes(modelPath), File.ReadAllBytes(variant), VariantFidelity.CheckFrames());
            try
            {
                AtomicFile.Write(file, System.Text.Encoding.ASCII.GetBytes(psnr.ToString("R", CultureInfo.InvariantCulture)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A cache that cannot be written costs the next start a measurement, never this one its answer.
            }

            return psnr;
        }
    }

    private static string FidelityFile(string variant) => variant + ".psnr";

    private static double? ReadFidelity(string file)
    {
        try
        {
            return double.TryParse(File.ReadAllText(file), NumberStyles.Float, CultureInfo.InvariantCulture, out var psnr) ? psnr : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not measured yet, or not readable: measured again.
            return null;
        }
    }

    /// <summary>Whether the <paramref name="precision"/> variant of the model with <paramref name="modelHash"/> is already built.</summary>
    public bool HasVariant(string modelHash, InferencePrecision precision) =>
        precision == InferencePrecision.Fp32 || File.Exists(VariantFile(modelHash, precision));

    /// <summary>The file ONNX Runtime's optimized graph for <paramref name="key"/> is saved in.</summary>
    public string OptimizedPath(VariantKey key) => Path.Combine(Directory, key.FileStem + ".onnx");

    /// <summary>The directory TensorRT keeps its engines for <paramref name="key"/> in.</summary>
    public string TensorRtEngineDirectory(VariantKey key) => Path.Combine(Directory, "tensorrt", key.FileStem);

    /// <summary>
    /// Opens a session on the saved optimized graph of <paramref name="key"/>; the first time, opens one on
    /// <paramref name="variantPath"/> with <paramref name="options"/> and has ONNX Runtime save the graph it optimized.
    /// A saved graph loads with further optimization off: it is already what ONNX Runtime would make of it.
    /// </summary>
    /// <param name="options">Made fresh for each session; the caller's provider and threading settings.</param>
    public InferenceSession Open(string variantPath, VariantKey key, Func<SessionOptions> options)
    {
        var target = OptimizedPath(key);
        if (File.Exists(target) && TryOpenSaved(target, options) is { } saved)
        {
            return saved;
        }

        lock (Builders.GetOrAdd(target, _ => new Lock()))
        {
            if (File.Exists(target) && TryOpenSaved(target, options) is { } built)
            {
                return built;
            }

            var temp = AtomicFile.TempPathFor(target);
            try
            {
                System.IO.Directory.CreateDirectory(Directory);
                using var first = options();
                first.OptimizedModelFilePath = temp;
                var session = new InferenceSession(variantPath, first);
                try
                {
                    AtomicFile.Commit(temp, target);
                }
                catch
                {
                    // Opened, but its graph not kept: this session holds native (and GPU) memory; it is not handed out.
                    session.Dispose();
                    throw;
                }

                return session;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or OnnxRuntimeException)
            {
                // A cache that cannot be written costs the next start some time, never this session: open it unsaved.
                // Should the model itself be at fault, this open fails the same way and says so.
                using var unsaved = options();
                return new InferenceSession(variantPath, unsaved);
            }
            finally
            {
                if (File.Exists(temp))
                {
                    File.Delete(temp);
                }
            }
        }
    }

    // A saved graph from an older or damaged file is dropped and rebuilt, not trusted.
    private static InferenceSession? TryOpenSaved(string path, Func<SessionOptions> options)
    {
        using var saved = options();
        saved.GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL;
        try
        {
            return new InferenceSession(path, saved);
        }
        catch (OnnxRuntimeException)
        {
            File.Delete(path);
            return null;
        }
    }

    private string VariantFile(string modelHash, InferencePrecision precision) =>
        Path.Combine(Directory, $"{modelHash}-{precision.ToString().ToLowerInvariant()}-r{Variants.ModelVariants.RecipeVersion}.onnx");

    private static void Once(string target, Action build, bool force = false)
    {
        if (!force && File.Exists(target))
        {
            return;
        }

        lock (Builders.GetOrAdd(target, _ => new Lock()))
        {
            if (force || !File.Exists(target))
            {
                build();
            }
        }
    }
}
