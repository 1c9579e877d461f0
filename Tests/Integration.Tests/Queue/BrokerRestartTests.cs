using Vsr.Queue;

namespace Vsr.Integration.Tests.Queue;

/// <summary>
/// RabbitMQ stopped and started again (same data directory) while jobs wait and a consumer runs. One restart
/// serves both cases, because a broker boot costs 10–30 s here.
/// </summary>
public sealed class BrokerRestartTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_broker_restart_loses_no_waiting_job_and_a_running_consumer_gets_the_jobs_published_after_it()
    {
        await using var waiting = new RabbitMqScratch();
        await using var running = new RabbitMqScratch();
        var parked = Jobs.New("parked.mp4");
        await waiting.NewQueue().PublishAsync(parked, CancellationToken.None);
        var runningHandler = new RecordingHandler();
        await running.StartConsumerAsync(runningHandler);
        var runningQueue = running.NewQueue();
        var before = Jobs.New("before.mp4");
        await runningQueue.PublishAsync(before, CancellationToken.None);
        await runningHandler.WaitForCallsAsync(1, Patience);

        await TestBroker.RestartAsync();

        // The publisher's connection is still recovering: the publish retries until the broker confirms.
        var after = Jobs.New("after.mp4");
        await runningQueue.PublishAsync(after, CancellationToken.None);
        await runningHandler.WaitForCallsAsync(2, Patience);
        Assert.Equal([before, after], runningHandler.Calls);

        // The job published before the restart was kept (persistent, durable queue) for a consumer started only now.
        var waitingHandler = new RecordingHandler();
        await waiting.StartConsumerAsync(waitingHandler);
        await waitingHandler.WaitForCallsAsync(1, Patience);
        Assert.Equal([parked], waitingHandler.Calls);
    }
}
