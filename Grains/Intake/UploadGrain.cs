using Vsr.Grains.Jobs;
using Vsr.Storage;

namespace Vsr.Grains.Intake;

/// <summary>
/// Deletes a direct upload that no job was submitted for by its deadline (<see cref="IUploadGrain"/>). The deadline is
/// kept in the reminder's own schedule (the first tick is due at it), so the grain needs no state of its own: a tick
/// that finds the job's request or state stops the watch, and one that finds neither deletes the job's folder.
/// </summary>
public sealed class UploadGrain(IObjectStore store, ILogger<UploadGrain> logger) : Grain, IUploadGrain, IRemindable
{
    private const string ReminderName = "upload-deadline";
    private static readonly TimeSpan Period = TimeSpan.FromMinutes(10);

    async ValueTask IUploadGrain.Watch(DateTimeOffset submitBy)
    {
        var due = submitBy - DateTimeOffset.UtcNow;
        await this.RegisterOrUpdateReminder(ReminderName, due > TimeSpan.Zero ? due : TimeSpan.Zero, Period);
    }

    async ValueTask<bool> IUploadGrain.Sweep()
    {
        var jobId = this.GetPrimaryKey();
        bool submitted;
        if (await store.ExistsAsync(JobKeys.Request(jobId), CancellationToken.None))
        {
            submitted = true;
        }
        else
        {
            submitted = (await GrainFactory.GetGrain<IJobGrain>(jobId).GetSnapshot()).Status != JobStatus.None;
        }

        if (!submitted)
        {
            await store.DeletePrefixAsync(JobKeys.Prefix(jobId), CancellationToken.None);
            logger.LogInformation("Upload for job {Job} was not submitted by its deadline; it is deleted", jobId);
        }

        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        return !submitted;
    }

    async Task IRemindable.ReceiveReminder(string reminderName, TickStatus status) => await ((IUploadGrain)this).Sweep();
}
