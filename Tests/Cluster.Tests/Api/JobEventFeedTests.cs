using System.Threading.Channels;
using Vsr.Api.Jobs;
using Vsr.Grains.Jobs;

namespace Vsr.Cluster.Tests.Api;

public sealed class JobEventFeedTests
{
    private static readonly Guid Job = Guid.NewGuid();

    [Fact]
    public async Task A_feed_whose_terminal_event_was_lost_ends_when_the_job_reads_terminal()
    {
        var changes = Channel.CreateUnbounded<JobEvent>();
        var states = new Queue<JobStatus>([JobStatus.Pending, JobStatus.Processing, JobStatus.Completed]);
        await changes.Writer.WriteAsync(Event(JobStatus.Processing));

        var feed = new List<JobStatus>();
        await foreach (var item in JobEventFeed.FollowAsync(changes.Reader, () => Task.FromResult(Event(states.Dequeue())), TimeSpan.FromMilliseconds(100), CancellationToken.None)
            .WithCancellation(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token))
        {
            feed.Add(item.Status);
        }

        // The snapshot, the one event that arrived, then the job's own state read twice: PROCESSING, then COMPLETED.
        Assert.Equal([JobStatus.Pending, JobStatus.Processing, JobStatus.Processing, JobStatus.Completed], feed);
    }

    [Fact]
    public async Task A_feed_ends_at_a_terminal_event_without_rereading_the_job()
    {
        var changes = Channel.CreateUnbounded<JobEvent>();
        await changes.Writer.WriteAsync(Event(JobStatus.Failed));
        var reads = 0;

        var feed = new List<JobStatus>();
        await foreach (var item in JobEventFeed.FollowAsync(changes.Reader, () => Task.FromResult(Event(reads++ == 0 ? JobStatus.Pending : JobStatus.Processing)), TimeSpan.FromMinutes(1), CancellationToken.None))
        {
            feed.Add(item.Status);
        }

        Assert.Equal([JobStatus.Pending, JobStatus.Failed], feed);
        Assert.Equal(1, reads);
    }

    private static JobEvent Event(JobStatus status) => new(Job, status, JobProgress.Empty, EtaSeconds: null, Error: null);
}
