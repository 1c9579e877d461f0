using Vsr.Storage;

namespace Vsr.Grains.Intake;

/// <summary>
/// Deletes a direct upload's staging object after its URL has expired (<see cref="IUploadGrain"/>). The time is kept in
/// the reminder's own schedule (its first tick is due then), so the grain has no state of its own.
/// </summary>
public sealed class UploadGrain(IObjectStore store, ILogger<UploadGrain> logger) : Grain, IUploadGrain, IRemindable
{
    private const string ReminderName = "sweep";
    private static readonly TimeSpan Period = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan MinimumDue = TimeSpan.FromSeconds(1);

    async ValueTask IUploadGrain.Watch(DateTimeOffset sweepAt)
    {
        // A reminder due at once (zero) never fired in a test against Orleans 10's in-memory reminder service; one second does.
        var due = sweepAt - DateTimeOffset.UtcNow;
        await this.RegisterOrUpdateReminder(ReminderName, due > MinimumDue ? due : MinimumDue, Period);
    }

    async ValueTask IUploadGrain.Sweep()
    {
        var key = IUploadGrain.StagingKey(this.GetPrimaryKeyString());
        if (await store.ExistsAsync(key, CancellationToken.None))
        {
            await store.DeletePrefixAsync(key, CancellationToken.None);
            logger.LogInformation("Direct upload {Upload}: its URL has expired; its staging object is deleted", this.GetPrimaryKeyString());
        }

        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    async Task IRemindable.ReceiveReminder(string reminderName, TickStatus status) => await ((IUploadGrain)this).Sweep();
}
