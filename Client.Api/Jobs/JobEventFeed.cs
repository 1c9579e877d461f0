using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Orleans.Streams;
using Vsr.Grains.Jobs;
using Vsr.Storage;

namespace Vsr.Api.Jobs;

/// <summary>
/// Bridges a job's Orleans progress stream to an async sequence for Server-Sent Events: the current snapshot first
/// (so a late subscriber is never blank), then each change, ending after a terminal state.
/// </summary>
public static class JobEventFeed
{
    public static async IAsyncEnumerable<JobEvent> ReadAsync(
        IClusterClient client, IObjectStore store, Guid id, TimeSpan recheck, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<JobEvent>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest });
        var stream = client.GetStreamProvider(JobEvent.StreamProvider).GetStream<JobEvent>(StreamId.Create(JobEvent.StreamNamespace, id));

        // Subscribe before reading the snapshot, so no change between the two is missed.
        var subscription = await stream.SubscribeAsync((item, _) => channel.Writer.WriteAsync(item, cancellationToken).AsTask());
        try
        {
            // Read as GET reads it, so a queued submission that fails at intake (dead-lettered) ends the feed FAILED.
            async Task<JobEvent> SnapshotAsync()
            {
                var snapshot = await QueuedRequest.FindJobAsync(id, client, store, cancellationToken)
                    ?? await client.GetGrain<IJobGrain>(id).GetSnapshot();
                return JobEvent.From(snapshot.Status == JobStatus.None ? snapshot with { Status = JobStatus.Pending } : snapshot);
            }

            await foreach (var item in FollowAsync(channel.Reader, SnapshotAsync, recheck, cancellationToken))
            {
                yield return item;
            }
        }
        finally
        {
            await subscription.UnsubscribeAsync();
        }
    }

    /// <summary>
    /// The snapshot, then each change from <paramref name="changes"/>, until one is terminal. Publishing is best-effort,
    /// so a lost terminal event must not hold the feed open: when nothing arrives for <paramref name="recheck"/>, the
    /// job's snapshot is read and sent again (which also keeps idle connections alive), and a terminal one ends the feed.
    /// A change older than the last state sent (published before a snapshot was read, delivered after it) is left
    /// out, so that the progress a client sees does not step back to a state already passed. A snapshot is always sent,
    /// and counts as the newest state: so a job moved to a silo whose clock is behind is followed at once.
    /// </summary>
    public static async IAsyncEnumerable<JobEvent> FollowAsync(
        ChannelReader<JobEvent> changes, Func<Task<JobEvent>> snapshot, TimeSpan recheck, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var item = await snapshot();
        var fresh = true;
        var sent = 0L;
        Task<JobEvent>? next = null;
        while (true)
        {
            if (fresh || item.IsTerminal || item.Revision == 0 || item.Revision > sent)
            {
                sent = fresh ? item.Revision : Math.Max(sent, item.Revision);
                yield return item;
                if (item.IsTerminal)
                {
                    yield break;
                }
            }

            next ??= changes.ReadAsync(cancellationToken).AsTask();
            using var tick = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var timeout = Task.Delay(recheck, tick.Token);
            if (await Task.WhenAny(next, timeout) == next)
            {
                item = await next;
                (next, fresh) = (null, false);
                await tick.CancelAsync();
            }
            else
            {
                cancellationToken.ThrowIfCancellationRequested();
                (item, fresh) = (await snapshot(), true);
            }
        }
    }
}
