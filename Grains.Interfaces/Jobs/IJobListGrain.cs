using System.Globalization;

namespace Vsr.Grains.Jobs;

/// <summary>One job as the job list knows it: enough to order and filter the list; the rest is read from the job itself.</summary>
[GenerateSerializer, Immutable]
public sealed record JobListing(
    [property: Id(0)] Guid Id,
    [property: Id(1)] DateTimeOffset CreatedAt,
    [property: Id(2)] JobStatus Status);

/// <summary>A place in the job list, newest first: the next page starts with the listings after it.</summary>
[GenerateSerializer, Immutable]
public sealed record JobListCursor(
    [property: Id(0)] DateTimeOffset CreatedAt,
    [property: Id(1)] Guid Id)
{
    /// <summary>Whether <paramref name="listing"/> comes after this place, newest first (ties broken by id).</summary>
    public bool IsBefore(JobListing listing) =>
        listing.CreatedAt < CreatedAt || (listing.CreatedAt == CreatedAt && listing.Id.CompareTo(Id) < 0);

    /// <summary>The place just after every job of <paramref name="bucketKey"/>'s hour and before all older ones.</summary>
    public static JobListCursor BeforeBucket(string bucketKey) =>
        new(DateTimeOffset.ParseExact(bucketKey, IJobListGrain.BucketFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal), Guid.Empty);
}

/// <summary>
/// The jobs created in one UTC hour, keyed <c>yyyy-MM-ddTHH</c> (<see cref="BucketKey"/>), newest first. Each job grain
/// records itself in its creation hour's list on every change of status, so the list can be filtered by status; the
/// job's own grain stays the truth, and the API reads each listed job from it. Hours are kept apart so that no one
/// grain's state, rewritten on each change, grows with the cluster's history or its daily volume.
/// </summary>
public interface IJobListGrain : IGrainWithStringKey
{
    public const string BucketFormat = "yyyy-MM-dd'T'HH";

    public static string BucketKey(DateTimeOffset at) => at.UtcDateTime.ToString(BucketFormat, CultureInfo.InvariantCulture);

    /// <summary>
    /// Adds the job, or changes its status (never from an ended one back to one that is not), and makes sure
    /// <see cref="IJobListIndexGrain"/> knows the hour.
    /// </summary>
    ValueTask Record(JobListing listing);

    /// <summary>Up to <paramref name="limit"/> of the hour's jobs after <paramref name="after"/> (all when null), newest first, with <paramref name="status"/> when given.</summary>
    ValueTask<IReadOnlyList<JobListing>> List(JobListCursor? after, JobStatus? status, int limit);
}

/// <summary>The UTC hours that have jobs (the single grain with key 0), so a listing walks back over the hours that hold some.</summary>
public interface IJobListIndexGrain : IGrainWithIntegerKey
{
    ValueTask Add(string bucketKey);

    /// <summary>Up to <paramref name="limit"/> hours at or before <paramref name="bucketKey"/> (all when null), newest first.</summary>
    ValueTask<IReadOnlyList<string>> AtOrBefore(string? bucketKey, int limit);
}
