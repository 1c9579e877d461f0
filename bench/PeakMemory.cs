using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Vsr.Engine.Inference;
using Vsr.Engine.Media;
using Vsr.Engine.Models;

namespace Vsr.Bench;

/// <summary>
/// Peak resident memory of one streaming chunk run, measured in a fresh process so that nothing else the bench did
/// is counted. A streaming pipeline should need about the same memory whatever the clip's length.
/// </summary>
public static class PeakMemory
{
    /// <summary>Runs this program in child mode on <paramref name="clip"/> and returns its peak RSS in KiB.</summary>
    public static async Task<long> MeasureAsync(string clip, string models, string model, int scale)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true };
        foreach (var argument in new[] { typeof(PeakMemory).Assembly.Location, "--pipeline-peak-rss", clip, models, model, scale.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        using var child = Process.Start(start)!;
        var output = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        return child.ExitCode == 0 ? long.Parse(output.Trim().Split('\n')[^1], CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"The child run failed ({child.ExitCode}): {output}");
    }

    /// <summary>Child mode: one whole-clip chunk through the pipeline, then this process's VmHWM in KiB.</summary>
    public static async Task<long> RunPipelineAsync(string clip, string models, string model, int scale)
    {
        var video = await VideoProbe.ProbeAsync(clip, CancellationToken.None);
        using var device = new InferenceDevice(new DeviceId("cpu", 0), new ModelCatalog(new ModelCatalogOptions { Directory = models }),
            new InferenceOptions(), NullLoggerFactory.Instance);
        var output = Path.Combine(Path.GetTempPath(), $"vsr-bench-{Guid.NewGuid():N}{ChunkTranscoder.ChunkExtension}");
        try
        {
            await ChunkTranscoder.TranscodeAsync(clip, video, new ChunkSpan(0, 0, video.FrameCount), device.GetEnhancer(model, scale),
                new EncodeOptions(), output, null, CancellationToken.None);
        }
        finally
        {
            File.Delete(output);
        }

        var line = File.ReadAllLines("/proc/self/status").Single(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }
}
