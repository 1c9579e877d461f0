namespace Vsr.Grains.Intake;

/// <summary>
/// Turn-taking, cluster-wide, among the API requests that submit one job id (those that share an
/// <c>Idempotency-Key</c>), keyed by that id: one of them at a time holds the claim while it stores and publishes, so
/// each later one finds the job the holder made, and no request's failure clean-up deletes what another one stored.
/// The claim is kept in memory only, under a lease its holder renews, so a holder that dies blocks the id for one
/// lease at most.
/// </summary>
public interface ISubmissionGrain : IGrainWithGuidKey
{
    /// <summary>
    /// Takes the claim for <paramref name="claimant"/> for <paramref name="lease"/> (renews it if it is
    /// <paramref name="claimant"/>'s already), waiting in line while another claimant holds it and its lease runs:
    /// claimants get it in the order they first asked. Returns false after ten seconds or so without the claim, well
    /// within the response timeout; the caller asks again at once and keeps its place in line.
    /// </summary>
    ValueTask<bool> Claim(Guid claimant, TimeSpan lease);

    /// <summary>
    /// Extends <paramref name="claimant"/>'s claim to <paramref name="lease"/> from now (or takes it again if no one
    /// holds it or waits for it); false at once if another claimant holds it.
    /// </summary>
    ValueTask<bool> Renew(Guid claimant, TimeSpan lease);

    /// <summary>
    /// Gives up <paramref name="claimant"/>'s claim, if it holds it, to the next one waiting; if it waits in line instead,
    /// it leaves the line (its waiting call answers false), so the claim is never handed to a claimant that went away.
    /// </summary>
    ValueTask Release(Guid claimant);
}
