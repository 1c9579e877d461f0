using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Vsr.Api.Jobs;
using Vsr.Cluster.Tests.Support;
using Vsr.Grains.Jobs;
using static Vsr.Cluster.Tests.Api.ApiProblems;

namespace Vsr.Cluster.Tests.Api;

/// <summary>The API with an operator token, so that <c>GET /v1/jobs</c> answers.</summary>
public sealed class OperatorApiFixture() : ApiFixture(new Dictionary<string, string> { ["Vsr:Api:OperatorToken"] = JobListTests.Token });

public sealed class JobListTests(OperatorApiFixture api) : IClassFixture<OperatorApiFixture>
{
    internal const string Token = "operator-secret-for-tests";

    private HttpClient Http => api.Client;

    [Fact]
    public async Task The_list_pages_through_every_job_newest_first_and_filters_by_the_jobs_own_status()
    {
        var clip = await MediaFacts.MakeClipAsync(api.Factory.Temp.Combine("list.mp4"), 64, 48, seconds: 0.5);
        var completed = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            completed.Add(await SubmitAsync(clip));
            Assert.Equal("COMPLETED", (await WaitUntilEndedAsync(completed[^1])).GetProperty("status").GetString());
        }

        var longer = await MediaFacts.MakeClipAsync(api.Factory.Temp.Combine("list-cancelled.mp4"), 128, 96, seconds: 4);
        var cancelled = await SubmitAsync(longer);
        using (var cancel = await Http.DeleteAsync($"/v1/jobs/{cancelled}"))
        {
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        }

        // Newest first: the cancelled job, then the completed ones from the last submitted.
        Guid[] newestFirst = [cancelled, .. Enumerable.Reverse(completed)];
        var all = await ListUntilAsync("/v1/jobs", page => page.Count == 4);
        Assert.Equal(newestFirst, all.Select(Id));
        Assert.Equal(["CANCELLED", "COMPLETED", "COMPLETED", "COMPLETED"], all.Select(j => j.GetProperty("status").GetString()));
        var first = all[1];
        Assert.Equal("list.mp4", first.GetProperty("fileName").GetString());
        Assert.Equal((2, "real-x2"), (first.GetProperty("scale").GetInt32(), first.GetProperty("model").GetString()));
        Assert.Equal($"/v1/jobs/{completed[^1]}/output", first.GetProperty("outputUrl").GetString());
        var job = await Http.GetFromJsonAsync<JsonElement>($"/v1/jobs/{completed[^1]}");
        Assert.Equal(job.GetProperty("progress").GetProperty("framesTotal").GetInt32(), first.GetProperty("progress").GetProperty("framesDone").GetInt32());
        Assert.Equal(job.GetProperty("createdAt").GetDateTimeOffset(), first.GetProperty("createdAt").GetDateTimeOffset());

        // Two pages of two, and a third that is empty and ends the list.
        var (page1, next1) = await PageAsync("/v1/jobs?limit=2");
        var (page2, next2) = await PageAsync($"/v1/jobs?limit=2&cursor={next1}");
        var (page3, next3) = await PageAsync($"/v1/jobs?limit=2&cursor={next2}");
        Assert.Equal(newestFirst, page1.Concat(page2).Select(Id));
        Assert.Empty(page3);
        Assert.Null(next3);

        var cancelledOnly = await ListUntilAsync("/v1/jobs?status=cancelled", page => page.Count == 1);
        Assert.Equal([cancelled], cancelledOnly.Select(Id));
        var (completedOnly, _) = await PageAsync("/v1/jobs?status=COMPLETED&limit=100");
        Assert.Equal(Enumerable.Reverse(completed), completedOnly.Select(Id));
    }

    [Fact]
    public async Task The_list_answers_only_the_operator_token()
    {
        using var none = await Http.GetAsync("/v1/jobs");
        using var wrong = await SendAsync("/v1/jobs", "not-the-token");
        using var right = await SendAsync("/v1/jobs", Token);

        await AssertProblemAsync(none, 401);
        Assert.Equal("Bearer", none.Headers.WwwAuthenticate.Single().Scheme);
        await AssertProblemAsync(wrong, 401);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
    }

    [Theory]
    [InlineData("status=none")]
    [InlineData("status=3")]
    [InlineData("status=done")]
    [InlineData("limit=0")]
    [InlineData("limit=101")]
    [InlineData("limit=ten")]
    [InlineData("cursor=yesterday")]
    [InlineData("cursor=638000000000000000-nothex")]
    public async Task Bad_list_parameters_are_refused_with_what_is_allowed(string query)
    {
        using var response = await SendAsync($"/v1/jobs?{query}", Token);

        var problem = await AssertProblemAsync(response, 400);
        Assert.Contains(query.Split('=')[0], problem.GetProperty("detail").GetString());
    }

    [Fact]
    public void A_cursor_reads_back_as_the_place_it_was_made_from()
    {
        var place = new JobListCursor(new DateTimeOffset(2026, 11, 27, 23, 59, 59, 123, TimeSpan.Zero).AddTicks(4567), Guid.NewGuid());

        Assert.Equal(place, JobList.ParseCursor(JobList.FormatCursor(place)));
        Assert.True(place.IsBefore(new JobListing(Guid.NewGuid(), place.CreatedAt.AddTicks(-1), JobStatus.Pending)));
        Assert.False(place.IsBefore(new JobListing(Guid.NewGuid(), place.CreatedAt.AddTicks(1), JobStatus.Pending)));
        Assert.Equal("2026-11-27T23", IJobListGrain.BucketKey(place.CreatedAt.ToOffset(TimeSpan.FromHours(-5))));
        Assert.Equal(new JobListCursor(new DateTimeOffset(2026, 11, 27, 23, 0, 0, TimeSpan.Zero), Guid.Empty), JobListCursor.BeforeBucket("2026-11-27T23"));
        // Read from the tick before an hour-bound cursor, the least one would fall off the calendar: not a cursor.
        Assert.Null(JobList.ParseCursor($"0-{Guid.Empty:N}"));
    }

    [Fact]
    public async Task The_walk_pages_across_hours_and_leaves_out_what_the_jobs_themselves_deny()
    {
        // Seven jobs over three hours, one of them (e) since ended but still listed as processing.
        var at = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
        var listings = new[]
        {
            Listing("a", at.AddHours(2).AddMinutes(5), JobStatus.Processing), Listing("b", at.AddHours(2).AddMinutes(1), JobStatus.Completed),
            Listing("c", at.AddHours(1).AddMinutes(30), JobStatus.Completed), Listing("d", at.AddHours(1).AddMinutes(30), JobStatus.Failed),
            Listing("e", at.AddHours(1), JobStatus.Processing), Listing("f", at.AddMinutes(59), JobStatus.Completed),
            Listing("g", at, JobStatus.Completed),
        };
        var actual = new Dictionary<Guid, JobStatus> { [listings[4].Id] = JobStatus.Completed };
        var walk = new FakeList(listings, actual);

        var pages = await walk.AllPagesAsync(status: null, limit: 3, maxHours: 48);
        var completed = await walk.AllPagesAsync(JobStatus.Completed, limit: 2, maxHours: 48);
        var narrow = await walk.AllPagesAsync(JobStatus.Completed, limit: 10, maxHours: 1);

        // Newest first; c and d share a time, so the larger id comes first.
        var byTime = listings.OrderByDescending(l => l.CreatedAt).ThenByDescending(l => l.Id).Select(l => l.Id).ToList();
        Assert.Equal([3, 3, 1], pages.Select(p => p.Count));
        Assert.Equal(byTime, pages.SelectMany(p => p));
        // e is listed as processing but completed: it is shown only as what it is now, and a filter by the list's stale
        // status leaves it out until its grain records the change.
        Assert.Equal(byTime.Where(id => id != listings[0].Id && id != listings[3].Id && id != listings[4].Id), completed.SelectMany(p => p));
        // One hour per request: each page goes on from the hour before the one the last page ended in.
        Assert.Equal(completed.SelectMany(p => p), narrow.SelectMany(p => p));
        Assert.True(narrow.Count >= 3, $"{narrow.Count} pages");
    }

    private static JobListing Listing(string name, DateTimeOffset at, JobStatus status) =>
        new(new Guid(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(name))), at, status);

    /// <summary>An in-memory list behind <see cref="JobList.WalkAsync"/>, with the jobs' own statuses where they differ from it.</summary>
    private sealed class FakeList(IReadOnlyList<JobListing> listings, Dictionary<Guid, JobStatus> actual)
    {
        public async Task<List<List<Guid>>> AllPagesAsync(JobStatus? status, int limit, int maxHours)
        {
            var pages = new List<List<Guid>>();
            JobListCursor? next = null;
            do
            {
                (var page, next) = await JobList.WalkAsync(Hours, List, Read(status), next, status, limit, maxHours);
                pages.Add(page.Select(l => l.Id).ToList());
                Assert.True(pages.Count < 20, "the walk does not end");
            }
            while (next is not null);

            return pages;
        }

        private Task<IReadOnlyList<string>> Hours(string? atOrBefore, int count) => Task.FromResult<IReadOnlyList<string>>(listings
            .Select(l => IJobListGrain.BucketKey(l.CreatedAt)).Distinct()
            .Where(h => atOrBefore is null || string.CompareOrdinal(h, atOrBefore) <= 0)
            .OrderDescending(StringComparer.Ordinal).Take(count).ToList());

        private Task<IReadOnlyList<JobListing>> List(string hour, JobListCursor? after, JobStatus? status, int count) =>
            Task.FromResult<IReadOnlyList<JobListing>>(listings
                .Where(l => IJobListGrain.BucketKey(l.CreatedAt) == hour && (after is null || after.IsBefore(l)) && (status is null || l.Status == status))
                .OrderByDescending(l => l.CreatedAt).ThenByDescending(l => l.Id).Take(count).ToList());

        private Func<IReadOnlyList<JobListing>, Task<List<JobListing?>>> Read(JobStatus? status) => listed =>
            Task.FromResult(listed.Select(l => status is null || actual.GetValueOrDefault(l.Id, l.Status) == status ? l : null).ToList());
    }

    private static Guid Id(JsonElement job) => job.GetProperty("id").GetGuid();

    private async Task<Guid> SubmitAsync(string clip)
    {
        using var submit = await Http.PostAsync("/v1/jobs", Upload(clip, "2"));
        Assert.Equal(HttpStatusCode.Accepted, submit.StatusCode);
        return (await submit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private async Task<HttpResponseMessage> SendAsync(string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await Http.SendAsync(request);
    }

    private async Task<(List<JsonElement> Jobs, string? Next)> PageAsync(string path)
    {
        using var response = await SendAsync(path, Token);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var page = JsonDocument.Parse(body).RootElement;
        var next = page.GetProperty("next");
        return (page.GetProperty("jobs").EnumerateArray().ToList(), next.ValueKind == JsonValueKind.Null ? null : next.GetString());
    }

    /// <summary>The list is recorded just after each job's own save, so a client sees a change there a moment later.</summary>
    private async Task<List<JsonElement>> ListUntilAsync(string path, Func<List<JsonElement>, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var (jobs, _) = await PageAsync(path);
            if (done(jobs) || DateTime.UtcNow > deadline)
            {
                return jobs;
            }

            await Task.Delay(100);
        }
    }

    private async Task<JsonElement> WaitUntilEndedAsync(Guid id)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        JsonElement job;
        do
        {
            await Task.Delay(100);
            job = await Http.GetFromJsonAsync<JsonElement>($"/v1/jobs/{id}");
        }
        while (job.GetProperty("status").GetString() is "PENDING" or "PROCESSING" && DateTime.UtcNow < deadline);
        return job;
    }
}
