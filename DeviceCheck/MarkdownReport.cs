using System.Globalization;
using System.Text;

namespace Vsr.DeviceCheck;

/// <summary>Writes a <see cref="CheckReport"/> as markdown: the machine, the settings, one row per case, then every failure in full.</summary>
public static class MarkdownReport
{
    public static void Write(CheckReport report, string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, Render(report));
    }

    public static string Render(CheckReport report)
    {
        var host = report.Host;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# Device check of {report.Options.Device}: {(report.Passed ? "PASS" : "FAIL")}");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"- Started {report.Started:yyyy-MM-dd HH:mm} UTC, took {report.Elapsed.TotalSeconds:F0} s, on {host.Machine} ({host.LogicalProcessors} logical processors)");
        text.AppendLine(CultureInfo.InvariantCulture, $"- GPUs (NVIDIA driver): {(host.Gpus.Count == 0 ? "none found" : string.Join(", ", host.Gpus))}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- ONNX Runtime {host.OrtVersion}, providers built in: {string.Join(", ", host.OrtProviders)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- Frames: {report.Frames.Source}; {report.Options.Runs} timed passes after one warm-up pass, median per frame; device settings per row (tile overlap 24, batch 1); the CPU reference at tile {(report.Options.TileSize == 0 ? "off (whole frames)" : report.Options.TileSize.ToString(CultureInfo.InvariantCulture))}, 1 tile per run");
        text.AppendLine("- Reference: the same model at fp32 on `cpu:0` in the same process; PSNR and differences over every 8-bit output value");
        text.AppendLine();
        text.AppendLine("| model | scale | precision | provider obtained | session precision | load ms | first pass ms | device ms/frame | CPU fp32 ms/frame | speed-up | PSNR vs CPU fp32 | max abs diff | values differing | needs | result | device settings |");
        text.AppendLine("| --- | --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |");
        foreach (var c in report.Cases)
        {
            var (d, r, m) = (c.Device, c.Reference, c.Comparison);
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {c.Model} | x{c.Scale} | {Lower(c.Precision)} | {d?.Provider ?? "-"} | {(d?.Precision is { } p ? Lower(p) : "-")} | {Ms(d?.LoadMs)} | {Ms(d?.FirstPassMs)} | {Ms(d?.MsPerFrame)} | {Ms(r?.MsPerFrame)} | {SpeedUp(d, r)} | {Db(m?.Psnr)} | {m?.MaxAbsDifference.ToString(CultureInfo.InvariantCulture) ?? "-"} | {(m is null ? "-" : m.DifferingFraction.ToString("P2", CultureInfo.InvariantCulture))} | > {c.MinimumPsnr:F0} dB | {(c.Passed ? "pass" : "**FAIL**")} | {c.Setting} |");
        }

        if (report.Cases.Count == 0)
        {
            text.AppendLine("| (no model was available) | | | | | | | | | | | | | | **FAIL** | |");
        }

        AppendList(text, "Not checked", report.Skipped);
        AppendList(text, "Failures", report.Cases.SelectMany(c => c.Failures.Select(f => $"{c.Model} x{c.Scale} {Lower(c.Precision)} ({c.Setting}): {f}")).ToArray());
        return text.ToString();
    }

    private static void AppendList(StringBuilder text, string title, IReadOnlyList<string> lines)
    {
        if (lines.Count == 0)
        {
            return;
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"## {title}");
        text.AppendLine();
        foreach (var line in lines)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {line.ReplaceLineEndings(" ")}");
        }
    }

    private static string Lower(Vsr.Engine.Inference.InferencePrecision precision) => precision.ToString().ToLowerInvariant();

    private static string Ms(double? ms) => ms is { } value ? value.ToString(value < 10 ? "F2" : "F0", CultureInfo.InvariantCulture) : "-";

    private static string Db(double? psnr) => psnr switch
    {
        null => "-",
        double.PositiveInfinity => "identical",
        { } value => value.ToString("F1", CultureInfo.InvariantCulture) + " dB",
    };

    private static string SpeedUp(Measurement? device, Measurement? reference) =>
        device is null || reference is null ? "-" : (reference.MsPerFrame / device.MsPerFrame).ToString("F1", CultureInfo.InvariantCulture) + "x";
}
