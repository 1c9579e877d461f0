using System.Diagnostics.Metrics;

namespace Vsr.Grains.Jobs;

/// <summary>
/// The <c>vsr_quality_gain_db</c> histogram (meter <c>Vsr.Jobs</c>): each measured quality report's gain of the model over
/// lanczos in PSNR-Y, tagged <c>model</c> and <c>scale</c>. Many gains below zero say that the videos coming in do not
/// suit the model they get (camera footage sent as <c>content: animation</c>, say). Beside it,
/// <c>vsr_quality_temporal_gain_db</c>: the model's temporal PSNR-Y over lanczos's (<see cref="QualityReport.TemporalGainOverLanczosDb"/>),
/// where many values below zero say the model flickers on the videos coming in.
/// </summary>
public sealed class QualityGainMeter : IDisposable
{
    public const string InstrumentName = "vsr_quality_gain_db";

    public const string TemporalInstrumentName = "vsr_quality_temporal_gain_db";

    private readonly Meter _meter;
    private readonly Histogram<double> _gain;
    private readonly Histogram<double> _temporalGain;

    private static readonly InstrumentAdvice<double> GainBuckets = new() { HistogramBucketBoundaries = [-3, -2, -1, -0.5, 0, 0.5, 1, 2, 3, 5] };

    public QualityGainMeter()
    {
        // Scoped to this instance, as the backlog gauge is, so that a reader can tell the silos of one process apart.
        _meter = new Meter(new MeterOptions(ChunkBacklog.MeterName) { Scope = this });
        _gain = _meter.CreateHistogram(InstrumentName, unit: "dB",
            description: "Gain of a job's upscaler over lanczos in PSNR-Y on the video's own frames (qualityReport).",
            advice: GainBuckets);
        _temporalGain = _meter.CreateHistogram(TemporalInstrumentName, unit: "dB",
            description: "Gain of a job's upscaler over lanczos in temporal PSNR-Y (frame-to-frame change) on the video's own frames (qualityReport).",
            advice: GainBuckets);
    }

    /// <summary>Records the gain of a report that has figures; a report that says why it has none is not a measurement.</summary>
    public void Record(QualityReport report)
    {
        KeyValuePair<string, object?>[] tags = [new("model", report.Model), new("scale", report.Scale)];
        if (report.GainOverLanczosDb is { } gain)
        {
            _gain.Record(gain, tags);
        }

        if (report.TemporalGainOverLanczosDb is { } temporalGain)
        {
            _temporalGain.Record(temporalGain, tags);
        }
    }

    public void Dispose() => _meter.Dispose();
}
