namespace Vsr.Grains.Jobs;

/// <summary>The persisted state of one hour's job list, newest first.</summary>
[GenerateSerializer]
public sealed class JobListState
{
    [Id(0)] public List<JobListing> Jobs { get; set; } = [];
}

/// <summary>One UTC hour's jobs (<see cref="IJobListGrain"/>), saved in the job store beside the jobs themselves.</summary>
public sealed class JobListGrain(
    [PersistentState(stateName: "jobList", storageName: JobGrain.StorageName)] IPersistentState<JobListState> state) : Grain, IJobListGrain
{
    // Whether this activation has registered the hour: once each, so a registration that failed is made again.
    private bool _bucketRegistered;

    private List<JobListing> Jobs => state.State.Jobs;

    async ValueTask IJobListGrain.Record(JobListing listing)
    {
        if (!_bucketRegistered)
        {
            await GrainFactory.GetGrain<IJobListIndexGrain>(0).Add(this.GetPrimaryKeyString());
            _bucketRegistered = true;
        }

        var index = Jobs.FindIndex(j => j.Id == listing.Id);
        if (index >= 0 && (Jobs[index] == listing || Jobs[index].Status.IsTerminal() || Rank(listing.Status) < Rank(Jobs[index].Status)))
        {
            // Known as it is, or further on already: a job's status only moves forward, and an ended one never changes.
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
            // Not saved: the list stays as it was, and the job grain records the change again. A write refused for a
            // stale version would be refused again: the next activation reads the stored list afresh.
            Jobs.Remove(listing);
            if (previous is not null)
            {
                Jobs.Insert(index, previous);
            }

            DeactivateOnIdle();
            throw;
        }
    }

    private static int Rank(JobStatus status) => status.IsTerminal() ? 3 : (int)status;

    ValueTask<IReadOnlyList<JobListing>> IJobListGrain.List(JobListCursor? after, JobStatus? status, int limit) =>
        ValueTask.FromResult<IReadOnlyList<JobListing>>(Jobs
            .Where(j => after is null || after.IsBefore(j))
            .Where(j => status is null || j.Status == status)
            .Take(Math.Max(0, limit))
            .ToList());
}

/// <summary>The persisted state of <see cref="IJobListIndexGrain"/>: hour keys, oldest first.</summary>
[GenerateSerializer]
public sealed class JobListIndexState
{
    [Id(0)] public List<string> Buckets { get; set; } = [];
}

/// <summary>The hours that have jobs (<see cref="IJobListIndexGrain"/>): one short string an hour, written once each.</summary>
public sealed class JobListIndexGrain(
    [PersistentState(stateName: "jobListIndex", storageName: JobGrain.StorageName)] IPersistentState<JobListIndexState> state) : Grain, IJobListIndexGrain
{
    private List<string> Buckets => state.State.Buckets;

    async ValueTask IJobListIndexGrain.Add(string bucketKey)
    {
        var at = Buckets.BinarySearch(bucketKey, StringComparer.Ordinal);
        if (at >= 0)
        {
            return;
        }

        Buckets.Insert(~at, bucketKey);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            Buckets.Remove(bucketKey);
            DeactivateOnIdle();
            throw;
        }
    }

    ValueTask<IReadOnlyList<string>> IJobListIndexGrain.AtOrBefore(string? bucketKey, int limit)
    {
        // The first hour after bucketKey, or the end: the hours before it, newest first.
        var found = bucketKey is null ? ~Buckets.Count : Buckets.BinarySearch(bucketKey, StringComparer.Ordinal);
        var end = found >= 0 ? found + 1 : ~found;
        return ValueTask.FromResult<IReadOnlyList<string>>(Buckets.Take(end).Reverse().Take(Math.Max(0, limit)).ToList());
    }
}
