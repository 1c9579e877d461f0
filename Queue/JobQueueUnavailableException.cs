namespace Vsr.Queue;

/// <summary>The queue could not take a message: the broker stayed unreachable or unconfirming through every retry.</summary>
public sealed class JobQueueUnavailableException : Exception
{
    public JobQueueUnavailableException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>
    /// Whether an attempt reached the broker and then had no answer (a confirm timed out, the connection dropped while
    /// waiting): the message may be queued after all, and a consumer may run the job.
    /// </summary>
    public bool MayHaveBeenQueued { get; init; }
}
