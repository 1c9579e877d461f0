using Vsr.Queue.InProcess;
using Vsr.Queue.RabbitMq;

namespace Vsr.Integration.Tests.Queue;

/// <summary>
/// A failed submission waits longer before each delivery, so the five deliveries span an outage of about half a
/// minute (a database restart) instead of five seconds, which used to dead-letter the whole waiting queue.
/// </summary>
public sealed class RedeliveryWaitTests
{
    [Fact]
    public void The_default_waits_double_from_two_seconds_and_span_half_a_minute_before_the_fifth_delivery()
    {
        var options = new RabbitMqOptions();

        var waits = Enumerable.Range(1, options.MaxDeliveries - 1).Select(options.RedeliveryWait).ToList();

        Assert.Equal([2, 4, 8, 16], waits.Select(w => w.TotalSeconds));
        Assert.Equal(TimeSpan.FromMinutes(1), options.RedeliveryWait(20));
        Assert.Equal(TimeSpan.FromSeconds(30), waits.Aggregate(TimeSpan.Zero, (a, b) => a + b));
    }

    [Fact]
    public void The_in_process_queue_waits_the_same_way()
    {
        var options = new InProcessQueueOptions();

        Assert.Equal(
            [2, 4, 8, 16, 32, 60],
            Enumerable.Range(1, 6).Select(n => Vsr.Queue.Backoff.Doubling(options.RetryDelay, n, options.MaxRetryDelay).TotalSeconds));
    }
}
