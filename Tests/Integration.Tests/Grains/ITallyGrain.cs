namespace Vsr.Integration.Tests.Grains;

/// <summary>A persisted counter with a reminder: the smallest grain that exercises storage and reminders.</summary>
public interface ITallyGrain : IGrainWithStringKey
{
    ValueTask<int> AddAsync(int amount);

    ValueTask<int> GetAsync();

    ValueTask RemindEveryMinuteAsync();

    ValueTask<bool> HasReminderAsync();
}
