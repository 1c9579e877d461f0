using System.Globalization;

namespace Vsr.Grains.Jobs;

/// <summary>One job as the job list knows it: enough to order and filter the list; the rest is read from the job itself.</summary>
[GenerateSerializer, Immutable]
public sealed record JobListing(
    [property: Id(0)] Guid Id,
    [property: Id(1)] DateTimeOffset CreatedAt,
    [property: Id(2)] JobStatus Status);

/// <summary>A place in the job list, newest first: the listing after which the next page starts.</summary>
[GenerateSerializer, Immutable]
public sealed record JobListCursor(
    [property: Id(0)] DateTimeOffset CreatedAt,
    [property: Id(1)] Guid Id)
{
    /// <summary>Whether <paramref name="listing"/> comes after this place, newest first (ties broken by id).</summary>
    public bool IsBefore(JobListing listing) =>
        listing.CreatedAt < CreatedAt || (listing.CreatedAt == CreatedAt && listing.Id.CompareTo(Id) < 0);
}

/// <summary>
/// The jobs created on one UTC day, keyed <c>yyyy-MM-dd</c> (<see cref="DayKey"/>), newest first. Each job grain records
/// itself in its creation day's list on every change of status, so the list can be filtered by status; a job's own
/// grain stays the truth, and the API reads each listed job from it. Days are kept apart so that no one grain's state
/// grows with the cluster's whole history.
/// </summary>
public interface IJobListGrain : IGrainWithStringKey
{
    public static string DayKey(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Adds the job, or changes its status, and makes sure <see cref="IJobDaysGrain"/> knows the day.</summary>
    ValueTask Record(JobListing listing);

    /// <summary>Up to <paramref name="limit"/> of the day's jobs after <paramref name="after"/> (all when null), newest first, with <paramref name="status"/> when given.</summary>
    ValueTask<IReadOnlyList<JobListing>> List(JobListCursor? after, JobStatus? status, int limit);
}

/// <summary>The UTC days that have jobs (the single grain with key 0), so a listing walks back over days that hold some.</summary>
public interface IJobDaysGrain : IGrainWithIntegerKey
{
    ValueTask Add(string dayKey);

    /// <summary>The days at or before <paramref name="dayKey"/> (all when null), newest first.</summary>
    ValueTask<IReadOnlyList<string>> AtOrBefore(string? dayKey);
}
