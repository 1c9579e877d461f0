namespace Vsr.Bench.Sections;

/// <summary>Peak RSS of the streaming pipeline on the clip and on the same content 4× longer, each in a fresh process.</summary>
public sealed class MemorySection : IBenchSection
{
    public string Name => "memory";

    public async Task<BenchTable> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var shortPeak = await PeakMemory.MeasureAsync(context.Clip, context.ModelsDirectory, context.Model, context.Scale);
        var longPeak = await PeakMemory.MeasureAsync(context.LongClip, context.ModelsDirectory, context.Model, context.Scale);
        var ratio = (double)longPeak / shortPeak;
        return new BenchTable(Name, "Memory: peak RSS, clip vs the same clip 4× longer",
            "Each run is a fresh process running one whole-clip chunk through the streaming pipeline. Goal: within 10 %.",
            ["clip", "peak RSS (MiB)"],
            [
                [Path.GetFileName(context.Clip), (shortPeak / 1024).ToString(System.Globalization.CultureInfo.InvariantCulture)],
                [Path.GetFileName(context.LongClip), (longPeak / 1024).ToString(System.Globalization.CultureInfo.InvariantCulture)],
                ["ratio", Bench.Text(ratio)],
            ])
        {
            Figures = { ["peak_rss_mib"] = shortPeak / 1024, ["peak_rss_4x_mib"] = longPeak / 1024, ["peak_rss_ratio"] = Bench.Round(ratio) },
        };
    }
}
