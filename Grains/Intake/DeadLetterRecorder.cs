using Vsr.Grains.Jobs;
using Vsr.Queue;
using Vsr.Storage;

namespace Vsr.Grains.Intake;

/// <summary>
/// When a submission is dead-lettered (the handler failed on every delivery, e.g. the database was down), records
/// an <see cref="IntakeFailure"/> for the API and deletes the upload, which no job will read. A job that did get
/// saved (its submission failed after that, say at the reminder) keeps its upload and gets no failure record: its
/// grain answers for it. When the grain cannot say, the upload is kept too. A submission with a callback URL also ends
/// its job grain FAILED with the same reason, whose callback then reports it like any job's end (when the database is
/// what failed and still fails, the callback cannot be saved and is not sent; the failure record still answers GET).
/// The dead letter itself stays in the dead-letter queue for an operator.
/// </summary>
public sealed class DeadLetterRecorder(IObjectStore store, IGrainFactory grains, ILogger<DeadLetterRecorder> logger) : IDeadLetterObserver
{
    public async Task OnDeadLetteredAsync(DeadLetter letter, CancellationToken cancellationToken)
    {
        if (letter.Message is not { } message)
        {
            // Unreadable: no job id to report under. The API reads an unreadable request.json as FAILED on its own.
            return;
        }

        bool? saved;
        try
        {
            saved = (await grains.GetGrain<IJobGrain>(message.JobId).GetSnapshot()).Status != JobStatus.None;
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Job {Job}: could not ask its grain whether it was saved; its upload is kept", message.JobId);
            saved = null;
        }

        if (saved == true)
        {
            logger.LogWarning("Job {Job}: its submission was dead-lettered after {Attempts} deliveries, but the job was saved and runs on", message.JobId, letter.Attempts);
            return;
        }

        var reason = $"The job could not be started after {letter.Attempts} {(letter.Attempts == 1 ? "try" : "tries")}: {letter.Reason.TrimEnd('.')}. Submit the video again.";
        await new IntakeFailure(reason, letter.DeadLetteredAt).SaveAsync(store, message.JobId, cancellationToken);
        // Only the job's own upload; the failure is written first, so a job is never left with neither.
        if (saved == false && JobKeys.BelongsTo(message.SourceKey, message.JobId))
        {
            await store.DeletePrefixAsync(message.SourceKey, cancellationToken);
        }

        logger.LogWarning("Job {Job} reads FAILED: its submission was dead-lettered after {Attempts} deliveries", message.JobId, letter.Attempts);
        if (saved == false && message.CallbackUrl is not null)
        {
            try
            {
                await grains.GetGrain<IJobGrain>(message.JobId).FailSubmission(SubmitJobToGrain.RequestOf(message), reason);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Job {Job}: its failure could not be saved with the job, so its callback is not sent", message.JobId);
            }
        }
    }
}
