using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Vsr.Api.Hosting;
using Vsr.Grains.Hosting;
using Vsr.Grains.Jobs;
using static Vsr.Api.Jobs.JobEndpoints;

namespace Vsr.Api.Jobs;

/// <summary>
/// <c>GET /v1/jobs</c>: the cluster's jobs, newest first, a page at a time, optionally of one status. For operators:
/// a job id is the only key to a job's output, so the list answers only a bearer token equal to
/// <c>Vsr:Api:OperatorToken</c>, and is off while none is set. Each job grain records itself in its creation hour's list
/// (<see cref="IJobListGrain"/>); what is shown is read from the job itself.
/// </summary>
public static class JobList
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    /// <summary>The most hours that hold jobs one request reads; a filter by a rare status goes on with the next page's cursor.</summary>
    public const int MaxHoursScanned = 48;

    private static readonly JobStatus[] Listable = [JobStatus.Pending, JobStatus.Processing, JobStatus.Completed, JobStatus.Failed, JobStatus.Cancelled];

    public static void MapJobListEndpoint(this IEndpointRouteBuilder app) => app.MapGet("/v1/jobs", ListAsync);

    /// <summary>One job in the list: what a dashboard shows; <c>GET /v1/jobs/{id}</c> has the rest.</summary>
    public sealed record JobSummary(
        Guid Id,
        string Status,
        string? FileName,
        int? Scale,
        string? Model,
        JobProgress Progress,
        string? Error,
        DateTimeOffset? CreatedAt,
        DateTimeOffset? CompletedAt,
        string? OutputUrl);

    /// <summary>A page of the list; <see cref="Next"/> is the <c>cursor</c> of the next page, or null after the last.</summary>
    public sealed record JobPage(IReadOnlyList<JobSummary> Jobs, string? Next);

    private static async Task<Results<Ok<JobPage>, ProblemHttpResult>> ListAsync(
        HttpRequest http, IGrainFactory grains, IOptions<ApiOptions> options, string? status = null, string? limit = null, string? cursor = null)
    {
        if (Refusal(http, options.Value) is { } refused)
        {
            return refused;
        }

        JobStatus? wanted = null;
        if (!string.IsNullOrEmpty(status))
        {
            var named = Listable.FirstOrDefault(s => s.ToString().Equals(status, StringComparison.OrdinalIgnoreCase));
            if (named == JobStatus.None)
            {
                return Problem(StatusCodes.Status400BadRequest, "Bad status", $"'{status}' is not a job status: pending, processing, completed, failed or cancelled.");
            }

            wanted = named;
        }

        var pageSize = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > MaxLimit))
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad limit", $"'limit' is a whole number from 1 to {MaxLimit} (default {DefaultLimit}).");
        }

        JobListCursor? after = null;
        if (cursor is not null && (after = ParseCursor(cursor)) is null)
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad cursor", "'cursor' is the 'next' of an earlier page, as it was given.");
        }

        var (jobs, next) = await WalkAsync(
            (bucket, count) => grains.GetGrain<IJobListIndexGrain>(0).AtOrBefore(bucket, count).AsTask(),
            (bucket, place, wanted, count) => grains.GetGrain<IJobListGrain>(bucket).List(place, wanted, count).AsTask(),
            async listed =>
            {
                var read = await Task.WhenAll(listed.Select(l => grains.GetGrain<IJobGrain>(l.Id).GetSnapshot().AsTask()));
                // The list may lag its job by a change (it is recorded after the job's own save): the job decides.
                return read.Select(job => job.Status != JobStatus.None && (wanted is null || job.Status == wanted) ? Summarize(job) : null).ToList();
            },
            after, wanted, pageSize, MaxHoursScanned);
        return TypedResults.Ok(new JobPage(jobs, next is null ? null : FormatCursor(next)));
    }

    /// <summary>
    /// Walks the hours newest first from <paramref name="after"/>'s (or the newest), taking each hour's listings after it
    /// in batches and reading them, until <paramref name="limit"/> jobs are found. Returns them with the place the next page
    /// starts: the last listing taken when the page is full; the start of the last hour scanned when the walk stopped at
    /// <paramref name="maxHours"/> hours (a page of a rare status may then hold fewer jobs, or none, and still go on); null
    /// when every hour was scanned.
    /// </summary>
    /// <param name="hours">Up to a count of hours at or before one (all when null), newest first.</param>
    /// <param name="list">An hour's listings after a place, of a status when given, up to a count.</param>
    /// <param name="read">What to show for each listing, in order; null to leave it out.</param>
    public static async Task<(List<T> Jobs, JobListCursor? Next)> WalkAsync<T>(
        Func<string?, int, Task<IReadOnlyList<string>>> hours,
        Func<string, JobListCursor?, JobStatus?, int, Task<IReadOnlyList<JobListing>>> list,
        Func<IReadOnlyList<JobListing>, Task<List<T?>>> read,
        JobListCursor? after, JobStatus? status, int limit, int maxHours)
        where T : class
    {
        var jobs = new List<T>(limit);
        // A cursor at an hour's start (an earlier walk's bound) leaves that whole hour out: start from the hour before.
        var from = after is null ? null : IJobListGrain.BucketKey(after.Id == Guid.Empty ? after.CreatedAt.AddTicks(-1) : after.CreatedAt);
        var scanned = await hours(from, maxHours);
        foreach (var hour in scanned)
        {
            var place = after is not null && IJobListGrain.BucketKey(after.CreatedAt) == hour ? after : null;
            while (jobs.Count < limit)
            {
                var listed = await list(hour, place, status, limit - jobs.Count);
                if (listed.Count == 0)
                {
                    break;
                }

                jobs.AddRange((await read(listed)).OfType<T>());
                place = new JobListCursor(listed[^1].CreatedAt, listed[^1].Id);
            }

            if (jobs.Count == limit)
            {
                return (jobs, place);
            }
        }

        return (jobs, scanned.Count == maxHours ? JobListCursor.BeforeBucket(scanned[^1]) : null);
    }

    private static JobSummary Summarize(JobSnapshot job) => new(
        job.Id,
        JobView.StatusName(job.Status),
        job.Request?.FileName,
        job.Request?.Scale,
        job.Choice?.Model ?? job.Request?.Model,
        job.Progress,
        job.Error,
        job.CreatedAt,
        job.CompletedAt,
        job.Status == JobStatus.Completed ? $"/v1/jobs/{job.Id}/output" : null);

    /// <summary>403 while no operator token is set; 401 (with a bearer challenge) without the right one.</summary>
    private static ProblemHttpResult? Refusal(HttpRequest http, ApiOptions options)
    {
        var token = options.OperatorToken?.Trim();
        if (string.IsNullOrEmpty(token))
        {
            return Problem(StatusCodes.Status403Forbidden, "Listing jobs is off",
                "The job list is for operators: it is answered only with a bearer token equal to Vsr:Api:OperatorToken, and none is set. A job is read by its id: GET /v1/jobs/{id}.");
        }

        var header = http.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        var given = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : "";
        if (!Secrets.Match(given, token))
        {
            http.HttpContext.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer";
            return Problem(StatusCodes.Status401Unauthorized, "Operator token required",
                "Send the operator token (Vsr:Api:OperatorToken) as 'Authorization: Bearer TOKEN'.");
        }

        return null;
    }

    public static string FormatCursor(JobListCursor cursor) =>
        string.Create(CultureInfo.InvariantCulture, $"{cursor.CreatedAt.UtcTicks}-{cursor.Id:N}");

    public static JobListCursor? ParseCursor(string text)
    {
        var parts = text.Split('-');
        return parts.Length == 2
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            // An hour-bound cursor is read from the tick before it, so the least one is not 0.
            && ticks > DateTimeOffset.MinValue.UtcTicks && ticks <= DateTimeOffset.MaxValue.UtcTicks
            && Guid.TryParseExact(parts[1], "N", out var id)
                ? new JobListCursor(new DateTimeOffset(ticks, TimeSpan.Zero), id)
                : null;
    }
}
