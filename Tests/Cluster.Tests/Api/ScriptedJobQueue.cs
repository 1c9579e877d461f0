using System.Collections.Concurrent;
using Vsr.Queue;
using Vsr.Queue.InProcess;

namespace Vsr.Cluster.Tests.Api;

/// <summary>
/// The embedded in-process queue with a hook in front of each publish, so a test can hold a publish, fail it, or keep
/// the message from the silo (as a broker would before a consumer takes it).
/// </summary>
public sealed class ScriptedJobQueue(InProcessJobQueue inner) : IJobQueue
{
    private readonly ConcurrentQueue<SubmitJob> published = new();

    /// <summary>Runs before the message is taken; an exception it throws is the publish's.</summary>
    public Func<SubmitJob, CancellationToken, Task>? BeforePublish { get; set; }

    /// <summary>When false, a published message is recorded but never reaches the silo.</summary>
    public bool Deliver { get; set; } = true;

    /// <summary>Every message whose publish returned, in order.</summary>
    public IReadOnlyList<SubmitJob> Published => published.ToArray();

    public async Task PublishAsync(SubmitJob message, CancellationToken cancellationToken)
    {
        if (BeforePublish is { } hook)
        {
            await hook(message, cancellationToken);
        }

        if (Deliver)
        {
            await inner.PublishAsync(message, cancellationToken);
        }

        published.Enqueue(message);
    }

    public Task<long> GetDepthAsync(CancellationToken cancellationToken) => inner.GetDepthAsync(cancellationToken);

    /// <summary>Back to plain delivery, for the next test.</summary>
    public void Reset()
    {
        BeforePublish = null;
        Deliver = true;
    }
}
