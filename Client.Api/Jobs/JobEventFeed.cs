using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Orleans.Streams;
using Vsr.Grains.Jobs;

namespace Vsr.Api.Jobs;

/// <summary>
/// Bridges a job's Orleans progress stream to an async sequence for Server-Sent Events: the current snapshot first
/// (so a late subscriber is never blank), then each change, ending after a terminal state.
/// </summary>
public static class JobEventFeed
{
    public static async IAsyncEnumerable<JobEvent> ReadAsync(IClusterClient client, Guid id, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<JobEvent>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest });
        var stream = client.GetStreamProvider(JobEvent.StreamProvider).GetStream<JobEvent>(StreamId.Create(JobEvent.StreamNamespace, id));

        // Subscribe before reading the snapshot, so no change between the two is missed.
        var subscription = await stream.SubscribeAsync((item, _) => channel.Writer.WriteAsync(item, cancellationToken).AsTask());
        try
        {
            var snapshot = await client.GetGrain<IJobGrain>(id).GetSnapshot();
            var current = JobEvent.From(snapshot.Status == JobStatus.None ? snapshot with { Status = JobStatus.Pending } : snapshot);
            yield return current;
            if (current.IsTerminal)
            {
                yield break;
            }

            await foreach (var item in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return item;
                if (item.IsTerminal)
                {
                    yield break;
                }
            }
        }
        finally
        {
            await subscription.UnsubscribeAsync();
        }
    }
}
