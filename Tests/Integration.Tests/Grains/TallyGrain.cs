namespace Vsr.Integration.Tests.Grains;

public sealed class TallyGrain([PersistentState("tally", TallyGrain.StorageName)] IPersistentState<TallyState> state)
    : Grain, ITallyGrain, IRemindable
{
    public const string StorageName = "tallyStore";
    private const string ReminderName = "tally-tick";

    async ValueTask<int> ITallyGrain.AddAsync(int amount)
    {
        state.State.Total += amount;
        await state.WriteStateAsync();
        return state.State.Total;
    }

    ValueTask<int> ITallyGrain.GetAsync() => ValueTask.FromResult(state.State.Total);

    async ValueTask ITallyGrain.RemindEveryMinuteAsync() =>
        await this.RegisterOrUpdateReminder(ReminderName, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));

    async ValueTask<bool> ITallyGrain.HasReminderAsync() => await this.GetReminder(ReminderName) is not null;

    Task IRemindable.ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;
}
