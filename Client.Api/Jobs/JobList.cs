using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Vsr.Api.Hosting;
using Vsr.Grains.Jobs;
using static Vsr.Api.Jobs.JobEndpoints;

namespace Vsr.Api.Jobs;

/// <summary>
/// <c>GET /v1/jobs</c>: the cluster's jobs, newest first, a page at a time, optionally of one status. For operators:
/// a job id is the only key to a job's output, so the list answers only a bearer token equal to
/// <c>Vsr:Api:OperatorToken</c>, and is off while none is set. Each job grain records itself in its creation day's list
/// (<see cref="IJobListGrain"/>); what is shown is read from the job itself.
/// </summary>
public static class JobList
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

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

        var jobs = new List<JobSummary>(pageSize);
        var days = await grains.GetGrain<IJobDaysGrain>(0).AtOrBefore(after is null ? null : IJobListGrain.DayKey(after.CreatedAt));
        foreach (var day in days)
        {
            var list = grains.GetGrain<IJobListGrain>(day);
            while (jobs.Count < pageSize)
            {
                var listed = await list.List(after, wanted, pageSize - jobs.Count);
                if (listed.Count == 0)
                {
                    break;
                }

                foreach (var listing in listed)
                {
                    after = new JobListCursor(listing.CreatedAt, listing.Id);
                    var job = await grains.GetGrain<IJobGrain>(listing.Id).GetSnapshot();
                    // The list may lag its job by a change (it is recorded after the job's own save): the job decides.
                    if (job.Status != JobStatus.None && (wanted is null || job.Status == wanted))
                    {
                        jobs.Add(Summarize(job));
                    }
                }
            }

            if (jobs.Count == pageSize)
            {
                break;
            }

            // The next day starts from its newest job.
            after = null;
        }

        var next = jobs.Count == pageSize && after is not null ? FormatCursor(after) : null;
        return TypedResults.Ok(new JobPage(jobs, next));
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
        if (string.IsNullOrEmpty(options.OperatorToken))
        {
            return Problem(StatusCodes.Status403Forbidden, "Listing jobs is off",
                "The job list is for operators: it is answered only with a bearer token equal to Vsr:Api:OperatorToken, and none is set. A job is read by its id: GET /v1/jobs/{id}.");
        }

        var header = http.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        var given = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : "";
        if (!CryptographicOperations.FixedTimeEquals(Hash(given), Hash(options.OperatorToken)))
        {
            http.HttpContext.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer";
            return Problem(StatusCodes.Status401Unauthorized, "Operator token required",
                "Send the operator token (Vsr:Api:OperatorToken) as 'Authorization: Bearer TOKEN'.");
        }

        return null;
    }

    // Compared as hashes, so that neither the time taken nor an early length mismatch tells how much of a guess was right.
    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));

    public static string FormatCursor(JobListCursor cursor) =>
        string.Create(CultureInfo.InvariantCulture, $"{cursor.CreatedAt.UtcTicks}-{cursor.Id:N}");

    public static JobListCursor? ParseCursor(string text)
    {
        var parts = text.Split('-');
        return parts.Length == 2
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            && ticks >= DateTimeOffset.MinValue.UtcTicks && ticks <= DateTimeOffset.MaxValue.UtcTicks
            && Guid.TryParseExact(parts[1], "N", out var id)
                ? new JobListCursor(new DateTimeOffset(ticks, TimeSpan.Zero), id)
                : null;
    }
}
