using Vsr.Grains.Jobs;
using Vsr.Queue;
using Vsr.Storage;

namespace Vsr.Grains.Intake;

/// <summary>
/// When a submission is dead-lettered (the handler failed on every delivery, e.g. the database was down), records
/// an <see cref="IntakeFailure"/> for the API, then has the job's grain end the job FAILED with the same reason
/// (<see cref="IJobGrain.FailSubmission"/>): its end removes the upload, which no job will read, and its callback
/// reports it like any job's end. A job that did get saved (its submission failed after that, say at the reminder)
/// runs on with its upload: its grain answers for it. When the grain cannot be reached (the database still down), the
/// failure record answers GET, and the upload is kept and no callback is sent. The dead letter itself stays in the
/// dead-letter queue for an operator.
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

        var reason = $"The job could not be started after {letter.Attempts} {(letter.Attempts == 1 ? "try" : "tries")}: {letter.Reason.TrimEnd('.')}. Submit the video again.";
        // Written first, where the API looks when the grain cannot answer (the database may be what failed). The grain
        // is asked all the same when it cannot be written: the job then reads FAILED from the grain instead.
        var recorded = true;
        try
        {
            await new IntakeFailure(reason, letter.DeadLetteredAt).SaveAsync(store, message.JobId, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            recorded = false;
            logger.LogWarning(e, "Job {Job}: the failure record of its dead-lettered submission could not be written; its grain is asked to record the failure", message.JobId);
        }

        JobSnapshot job;
        try
        {
            // The grain decides, one call at a time, so a submission that saved the job meanwhile (a retry's republished
            // request) is never undone: only a job with no state ends FAILED, and its end removes the upload.
            job = await grains.GetGrain<IJobGrain>(message.JobId)
                .FailSubmission(SubmitJobToGrain.RequestOf(message), reason, message.SubmittedAt, letter.DeadLetteredAt);
        }
        catch (Exception e) when (recorded)
        {
            logger.LogWarning(e, "Job {Job} reads FAILED from its failure record, but the failure could not be saved with the job: its upload is kept and no callback is sent", message.JobId);
            return;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Job {Job} reads PENDING for good: neither its failure record nor its grain could record that its submission was dead-lettered (the dead letter is kept)", message.JobId);
            return;
        }

        if (job.Status == JobStatus.Failed && job.Error == reason)
        {
            logger.LogWarning("Job {Job} failed: its submission was dead-lettered after {Attempts} deliveries", message.JobId, letter.Attempts);
        }
        else
        {
            logger.LogWarning("Job {Job}: its submission was dead-lettered after {Attempts} deliveries, but the job was saved and stays {Status}",
                message.JobId, letter.Attempts, job.Status);
        }
    }
}
