namespace Vsr.Grains.Jobs;

/// <summary>Where a job's objects live in the object store: everything of job <c>id</c> is under <c>jobs/{id:N}/</c>.</summary>
public static class JobKeys
{
    /// <summary>The folder of the job's objects, with its trailing '/'.</summary>
    public static string Prefix(Guid jobId) => $"jobs/{jobId:N}/";

    /// <summary>The API's copy of a queued submission, read while the job grain has no state.</summary>
    public static string Request(Guid jobId) => Prefix(jobId) + "request.json";

    /// <summary>The containers a job's output is written in (see <c>VideoAssembler.ChooseExtension</c>).</summary>
    public static IReadOnlyList<string> OutputExtensions { get; } = [".mp4", ".mkv"];

    /// <summary>The job's output in the container of <paramref name="extension"/> (<c>.mp4</c> or <c>.mkv</c>).</summary>
    public static string Output(Guid jobId, string extension) => Prefix(jobId) + "output" + extension;

    /// <summary>Whether <paramref name="key"/> lies in the job's own folder, so deleting it touches no other job.</summary>
    public static bool BelongsTo(string key, Guid jobId) => key.StartsWith(Prefix(jobId), StringComparison.Ordinal);
}
