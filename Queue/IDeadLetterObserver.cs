namespace Vsr.Queue;

/// <summary>
/// Told about each message a consumer gives up on, after it is in the dead-letter queue and before the original is
/// acknowledged. The silos use it to tell the user: the submission that never became a job would otherwise read as
/// PENDING for ever.
/// </summary>
/// <remarks>
/// An observer that throws is logged and the message is still acknowledged: the dead letter is already kept, so
/// nothing is lost. Called again for the same job if the consumer died before the acknowledgement, so it must be
/// idempotent per job.
/// </remarks>
public interface IDeadLetterObserver
{
    /// <summary>Records what became of the message; <paramref name="letter"/> holds the handler's last error.</summary>
    Task OnDeadLetteredAsync(DeadLetter letter, CancellationToken cancellationToken);
}
