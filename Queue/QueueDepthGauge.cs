using System.Diagnostics.Metrics;

namespace Vsr.Queue;

/// <summary>
/// The <c>vsr_queue_depth</c> gauge (meter <c>Vsr.Queue</c>, tag <c>queue</c>): the number of messages waiting, as
/// last read by <see cref="IJobQueue.GetDepthAsync"/>. Reading a broker's depth is I/O, so the gauge reports the last
/// reading (refreshed by <see cref="QueueDepthSampler"/>) instead of blocking the metrics collector.
/// </summary>
public sealed class QueueDepthGauge : IDisposable
{
    public const string MeterName = "Vsr.Queue";
    public const string InstrumentName = "vsr_queue_depth";

    private readonly Meter meter = new(MeterName);
    private readonly KeyValuePair<string, object?> queueTag;
    private long depth = -1;

    public QueueDepthGauge(string queueName)
    {
        queueTag = new KeyValuePair<string, object?>("queue", queueName);
        meter.CreateObservableGauge(InstrumentName, Observe, unit: "{message}", description: "Messages waiting in the job intake queue.");
    }

    public void Record(long waiting) => Interlocked.Exchange(ref depth, waiting);

    public void Dispose() => meter.Dispose();

    // Nothing is reported before the first reading: an unknown depth is not a depth of zero.
    private IEnumerable<Measurement<long>> Observe()
    {
        var waiting = Interlocked.Read(ref depth);
        return waiting < 0 ? [] : [new Measurement<long>(waiting, queueTag)];
    }
}
