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

    [Fact]
    public async Task A_change_published_before_the_snapshot_and_delivered_after_it_is_left_out()
    {
        var changes = Channel.CreateUnbounded<JobEvent>();
        // Published while the snapshot was read (older than it), then two newer changes, the last one terminal.
        await changes.Writer.WriteAsync(Event(JobStatus.Processing, framesDone: 18, revision: 90));
        await changes.Writer.WriteAsync(Event(JobStatus.Processing, framesDone: 25, revision: 110));
        await changes.Writer.WriteAsync(Event(JobStatus.Processing, framesDone: 24, revision: 105));
        await changes.Writer.WriteAsync(Event(JobStatus.Completed, framesDone: 50, revision: 101));

        var feed = new List<(JobStatus, int)>();
        await foreach (var item in JobEventFeed.FollowAsync(changes.Reader, () => Task.FromResult(Event(JobStatus.Processing, framesDone: 20, revision: 100)),
            TimeSpan.FromMinutes(1), CancellationToken.None))
        {
            feed.Add((item.Status, item.Progress.FramesDone));
        }

        // A terminal event ends the feed even if a clock behind the others stamped it (the job moved to another silo).
        Assert.Equal([(JobStatus.Processing, 20), (JobStatus.Processing, 25), (JobStatus.Completed, 50)], feed);
    }

    [Fact]
    public async Task A_snapshot_read_again_is_sent_and_followed_even_when_a_clock_behind_stamped_it()
    {
        var changes = Channel.CreateUnbounded<JobEvent>();
        var reads = 0;
        async Task<JobEvent> SnapshotAsync()
        {
            if (++reads == 1)
            {
                return Event(JobStatus.Processing, framesDone: 20, revision: 100);
            }

            // The job moved to a silo whose clock is behind: its state reads older, and so do its next events.
            await changes.Writer.WriteAsync(Event(JobStatus.Processing, framesDone: 31, revision: 55));
            await changes.Writer.WriteAsync(Event(JobStatus.Processing, framesDone: 29, revision: 45));
            await changes.Writer.WriteAsync(Event(JobStatus.Completed, framesDone: 50, revision: 60));
            return Event(JobStatus.Processing, framesDone: 30, revision: 50);
        }

        var feed = new List<int>();
        await foreach (var item in JobEventFeed.FollowAsync(changes.Reader, SnapshotAsync, TimeSpan.FromMilliseconds(100), CancellationToken.None)
            .WithCancellation(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token))
        {
            feed.Add(item.Progress.FramesDone);
        }

        Assert.Equal([20, 30, 31, 50], feed);
    }

    private static JobEvent Event(JobStatus status, int framesDone = 0, long revision = 0) =>
        new(Job, status, new JobProgress(framesDone, 50, 0, 1, 0), EtaSeconds: null, Error: null, revision);
}
