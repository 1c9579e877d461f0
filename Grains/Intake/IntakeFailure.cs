using System.Text.Json;
using Vsr.Grains.Jobs;
using Vsr.Storage;

namespace Vsr.Grains.Intake;

/// <summary>
/// Why a queued submission never became a job, kept in the object store beside the API's <c>request.json</c>. The
/// database may be what failed, so this is written where the API's status fallback reads anyway; while the job grain
/// has no state, the API reports the job FAILED with <see cref="Reason"/> instead of PENDING.
/// </summary>
/// <param name="Reason">What the user is told, with what to do about it.</param>
/// <param name="FailedAt">When the submission was given up on.</param>
public sealed record IntakeFailure(string Reason, DateTimeOffset FailedAt)
{
    public static string Key(Guid jobId) => JobKeys.Prefix(jobId) + "intake-failure.json";

    public Task SaveAsync(IObjectStore store, Guid jobId, CancellationToken cancellationToken) =>
        store.PutAsync(Key(jobId), new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(this)), cancellationToken);

    /// <summary>The recorded failure of the job's submission, or null when there is none.</summary>
    public static async Task<IntakeFailure?> FindAsync(IObjectStore store, Guid jobId, CancellationToken cancellationToken)
    {
        await using var stored = await store.OpenReadAsync(Key(jobId), cancellationToken);
        if (stored is null)
        {
            return null;
        }

        try
        {
            return await JsonSerializer.DeserializeAsync<IntakeFailure>(stored, cancellationToken: cancellationToken)
                ?? new IntakeFailure(UnreadableReason, DateTimeOffset.UtcNow);
        }
        catch (JsonException)
        {
            // Its presence alone says the submission was given up on.
            return new IntakeFailure(UnreadableReason, DateTimeOffset.UtcNow);
        }
    }

    private const string UnreadableReason = "The job could not be started (the record of why cannot be read). Submit the video again.";
}
