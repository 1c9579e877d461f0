using Microsoft.Extensions.Logging;

namespace Vsr.Queue;

/// <summary>Tells every <see cref="IDeadLetterObserver"/> in turn; one that fails is logged and does not stop the rest.</summary>
internal static class DeadLetterObservers
{
    public static async Task NotifyAsync(IEnumerable<IDeadLetterObserver> observers, DeadLetter letter, ILogger logger)
    {
        foreach (var observer in observers)
        {
            try
            {
                // Not the stopping token: like the acknowledgement that follows, a dead letter already made is settled.
                await observer.OnDeadLetteredAsync(letter, CancellationToken.None);
            }
            catch (Exception failure)
            {
                logger.LogError(failure, "Dead letter of job {Job} kept, but {Observer} could not record it", letter.MessageId, observer.GetType().Name);
            }
        }
    }
}
