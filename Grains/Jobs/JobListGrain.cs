namespace Vsr.Grains.Jobs;

/// <summary>The persisted state of one day's job list, newest first.</summary>
[GenerateSerializer]
public sealed class JobListState
{
    [Id(0)] public List<JobListing> Jobs { get; set; } = [];
}

/// <summary>One UTC day's jobs (<see cref="IJobListGrain"/>), saved in the job store beside the jobs themselves.</summary>
public sealed class JobListGrain(
    [PersistentState(stateName: "jobList", storageName: JobGrain.StorageName)] IPersistentState<JobListState> state) : Grain, IJobListGrain
{
    // Whether this activation has registered the day: once each, so a registration that failed is made again.
    private bool _dayRegistered;

    private List<JobListing> Jobs => state.State.Jobs;

    async ValueTask IJobListGrain.Record(JobListing listing)
    {
        if (!_dayRegistered)
        {
            await GrainFactory.GetGrain<IJobDaysGrain>(0).Add(this.GetPrimaryKeyString());
            _dayRegistered = true;
        }

        var index = Jobs.FindIndex(j => j.Id == listing.Id);
        if (index >= 0 && Jobs[index] == listing)
        {
            return;
        }

        var previous = index >= 0 ? Jobs[index] : null;
        if (previous is not null)
        {
            Jobs.RemoveAt(index);
        }

        // Newest first, ties broken by id.
        var at = Jobs.FindIndex(new JobListCursor(listing.CreatedAt, listing.Id).IsBefore);
        Jobs.Insert(at < 0 ? Jobs.Count : at, listing);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Not saved: the list stays as it was, and the job grain records the change again on its next one.
            Jobs.Remove(listing);
            if (previous is not null)
            {
                Jobs.Insert(index, previous);
            }

            throw;
        }
    }

    ValueTask<IReadOnlyList<JobListing>> IJobListGrain.List(JobListCursor? after, JobStatus? status, int limit) =>
        ValueTask.FromResult<IReadOnlyList<JobListing>>(Jobs
            .Where(j => after is null || after.IsBefore(j))
            .Where(j => status is null || j.Status == status)
            .Take(Math.Max(0, limit))
            .ToList());
}

/// <summary>The persisted state of <see cref="IJobDaysGrain"/>: day keys, oldest first.</summary>
[GenerateSerializer]
public sealed class JobDaysState
{
    [Id(0)] public List<string> Days { get; set; } = [];
}

/// <summary>The days that have jobs (<see cref="IJobDaysGrain"/>): one short string a day.</summary>
public sealed class JobDaysGrain(
    [PersistentState(stateName: "jobDays", storageName: JobGrain.StorageName)] IPersistentState<JobDaysState> state) : Grain, IJobDaysGrain
{
    async ValueTask IJobDaysGrain.Add(string dayKey)
    {
        var at = state.State.Days.BinarySearch(dayKey, StringComparer.Ordinal);
        if (at >= 0)
        {
            return;
        }

        state.State.Days.Insert(~at, dayKey);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Days.Remove(dayKey);
            throw;
        }
    }

    ValueTask<IReadOnlyList<string>> IJobDaysGrain.AtOrBefore(string? dayKey) =>
        ValueTask.FromResult<IReadOnlyList<string>>(state.State.Days
            .Where(d => dayKey is null || string.CompareOrdinal(d, dayKey) <= 0)
            .Reverse()
            .ToList());
}
