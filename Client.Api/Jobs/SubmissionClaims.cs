using Vsr.Api.Hosting;
using Vsr.Grains.Intake;

namespace Vsr.Api.Jobs;

/// <summary>
/// Turn-taking among the requests that share an <c>Idempotency-Key</c>, and so a job id and its object keys, across
/// every API replica of the cluster: they store and publish one at a time, holding the id's
/// <see cref="ISubmissionGrain"/> claim, and each one after the first finds the job the first one made.
/// </summary>
public sealed class SubmissionClaims(IGrainFactory grains, IOptions<ApiOptions> options, ILogger<SubmissionClaims> logger)
{
    /// <summary>How long a request whose claim call failed (a silo restarting, a call timed out) waits before it asks again.</summary>
    private static readonly TimeSpan FaultPause = TimeSpan.FromSeconds(1);

    /// <summary>Waits for the job id's claim; disposing the result gives it up. Until then it is renewed.</summary>
    public Task<SubmissionClaim> EnterAsync(Guid id, CancellationToken cancellationToken) => EnterAsync(id, askAgainOnFault: false, cancellationToken);

    /// <summary>
    /// Waits for the job id's claim on behalf of a request whose upload is read, which its client no longer stops: at
    /// most <see cref="ApiOptions.SubmissionLease"/> five times over, null if it is not granted by then. A claim call
    /// that fails (a silo restarting, a call timed out) is asked again within that bound, not answered with a 500.
    /// </summary>
    public async Task<SubmissionClaim?> TryEnterAsync(Guid id)
    {
        using var bound = new CancellationTokenSource(options.Value.SubmissionLease * 5);
        try
        {
            return await EnterAsync(id, askAgainOnFault: true, bound.Token);
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            return null;
        }
    }

    private async Task<SubmissionClaim> EnterAsync(Guid id, bool askAgainOnFault, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<ISubmissionGrain>(id);
        var claimant = Guid.NewGuid();
        var lease = options.Value.SubmissionLease;
        while (true)
        {
            // The call is not handed the token: a cancelled call would forget whether the grain granted the claim.
            var claim = grain.Claim(claimant, lease).AsTask();
            try
            {
                if (await claim.WaitAsync(cancellationToken))
                {
                    return new SubmissionClaim(grain, id, claimant, lease, logger);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                _ = GiveUpAsync(grain, id, claimant, claim);
                throw;
            }
            catch (Exception e) when (askAgainOnFault && e is OrleansException or TimeoutException)
            {
                // The same claimant asks again: it keeps its place in line, and a claim granted unseen is granted again.
                logger.LogWarning(e, "The claim call on job {Job} failed; it is asked again", id);
                try
                {
                    await Task.Delay(FaultPause, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    _ = GiveUpAsync(grain, id, claimant, Task.FromResult(false));
                    throw;
                }
            }
        }
    }

    // The grain still answers: the claimant leaves its line at once, so a release meanwhile does not hand the claim to
    // no one, and a claim granted before that goes straight back.
    private async Task GiveUpAsync(ISubmissionGrain grain, Guid id, Guid claimant, Task<bool> claim)
    {
        try
        {
            await grain.Release(claimant);
            if (await claim)
            {
                await grain.Release(claimant);
            }
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "The submission claim on job {Job} of a request that went away may be held until its lease runs out", id);
        }
    }
}
