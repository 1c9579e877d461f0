using System.Globalization;

namespace Vsr.Bench;

/// <summary>One run's figures; the ratio is taken within the run, so machine noise affects both sides alike.</summary>
public sealed record BenchResult(
    DateTimeOffset MeasuredAt,
    string Machine,
    int Cores,
    string Clip,
    string Size,
    int Frames,
    int Scale,
    string Model,
    string ExecutionProvider,
    double RawModelFps,
    double PipelineFps,
    double PipelineOverRaw,
    long PeakRssMiB,
    long PeakRssMiBFourTimesLonger,
    double PeakRssRatio)
{
    public string ToMarkdown() => string.Create(CultureInfo.InvariantCulture, $"""
        | measured (UTC) | clip | frames | scale | provider | raw model fps | streaming pipeline fps | pipeline / raw | peak RSS, clip / 4x longer (MiB) | ratio |
        | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
        | {MeasuredAt:yyyy-MM-dd HH:mm} | {Clip} ({Size}) | {Frames} | x{Scale} | {ExecutionProvider}, {Cores} cores | {RawModelFps} | {PipelineFps} | {PipelineOverRaw} | {PeakRssMiB} / {PeakRssMiBFourTimesLonger} | {PeakRssRatio} |

        """);
}
