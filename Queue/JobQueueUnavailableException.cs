namespace Vsr.Queue;

/// <summary>The queue could not take a message: the broker stayed unreachable or unconfirming through every retry.</summary>
public sealed class JobQueueUnavailableException : Exception
{
    public JobQueueUnavailableException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
