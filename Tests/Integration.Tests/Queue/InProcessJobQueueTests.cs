using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Vsr.Queue;
using Vsr.Queue.InProcess;

namespace Vsr.Integration.Tests.Queue;

/// <summary>The embedded queue keeps the broker's contract: handler called, retried, dead-lettered with the reason.</summary>
public sealed class InProcessJobQueueTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_published_job_reaches_the_handler_and_a_failed_call_is_retried()
    {
        var handler = RecordingHandler.FailingFirst(1);
        using var queue = NewQueue();
        var consumer = await StartConsumerAsync(queue, handler);
        var job = Jobs.New();

        await queue.PublishAsync(job, CancellationToken.None);
        await handler.WaitForCallsAsync(2, Patience);
        await Eventually.TrueAsync(() => Task.FromResult(handler.Returned == 1), Patience, () => "the retry did not return");
        await consumer.StopAsync(CancellationToken.None);

        Assert.Equal([job, job], handler.Calls);
        Assert.Empty(queue.DeadLetters);
        Assert.Equal(0, await queue.GetDepthAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_job_whose_handler_always_fails_is_dead_lettered_with_the_reason_after_MaxDeliveries()
    {
        var handler = RecordingHandler.AlwaysFailing("the job grain is unreachable");
        using var queue = NewQueue();
        var consumer = await StartConsumerAsync(queue, handler);
        var job = Jobs.New();

        await queue.PublishAsync(job, CancellationToken.None);
        await Eventually.TrueAsync(() => Task.FromResult(queue.DeadLetters.Count == 1), Patience, () => "nothing was dead-lettered");
        await consumer.StopAsync(CancellationToken.None);

        var letter = Assert.Single(queue.DeadLetters);
        Assert.Equal(job.JobId.ToString(), letter.MessageId);
        Assert.Equal("InvalidOperationException: the job grain is unreachable", letter.Reason);
        Assert.Equal(3, letter.Attempts);
        Assert.Equal(job, letter.Message);
        Assert.Equal(3, handler.Calls.Count);
    }

    [Fact]
    public async Task The_same_job_published_twice_is_delivered_twice_and_the_handler_makes_it_one_job()
    {
        var handler = new RecordingHandler();
        using var queue = NewQueue();
        var consumer = await StartConsumerAsync(queue, handler);
        var job = Jobs.New();

        await queue.PublishAsync(job, CancellationToken.None);
        await queue.PublishAsync(job, CancellationToken.None);
        await handler.WaitForCallsAsync(2, Patience);
        await consumer.StopAsync(CancellationToken.None);

        Assert.Equal([job], handler.Jobs);
    }

    [Fact]
    public async Task The_queue_depth_gauge_reports_the_messages_waiting()
    {
        using var queue = NewQueue();
        for (var i = 0; i < 3; i++)
        {
            await queue.PublishAsync(Jobs.New(), CancellationToken.None);
        }

        Assert.Equal(3, await queue.GetDepthAsync(CancellationToken.None));
        Assert.Equal(3, RabbitMqJobQueueTests.GaugeReading(InProcessJobQueue.QueueName));
    }

    [Fact]
    public async Task A_publish_to_a_queue_that_stays_full_is_refused_after_its_timeout_instead_of_waiting_for_ever()
    {
        using var queue = new InProcessJobQueue(Options.Create(new InProcessQueueOptions { Capacity = 1, PublishTimeout = TimeSpan.FromMilliseconds(300) }));
        await queue.PublishAsync(Jobs.New(), CancellationToken.None);

        var refused = await Assert.ThrowsAsync<JobQueueUnavailableException>(() => queue.PublishAsync(Jobs.New(), CancellationToken.None));

        Assert.Contains("stayed full (1 waiting)", refused.Message, StringComparison.Ordinal);
        Assert.False(refused.MayHaveBeenQueued);
        Assert.Equal(1, await queue.GetDepthAsync(CancellationToken.None));
    }

    private static readonly IOptions<InProcessQueueOptions> Settings =
        Options.Create(new InProcessQueueOptions { MaxDeliveries = 3, RetryDelay = TimeSpan.FromMilliseconds(20), Concurrency = 2 });

    private static InProcessJobQueue NewQueue() => new(Settings);

    private static async Task<InProcessJobConsumer> StartConsumerAsync(InProcessJobQueue queue, ISubmitJobHandler handler)
    {
        var consumer = new InProcessJobConsumer(queue, handler, [], Settings, NullLogger<InProcessJobConsumer>.Instance);
        await consumer.StartAsync(CancellationToken.None);
        return consumer;
    }
}
