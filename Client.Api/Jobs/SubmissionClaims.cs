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
    /// <summary>Waits for the job id's claim; disposing the result gives it up. Until then it is renewed.</summary>
    public async Task<SubmissionClaim> EnterAsync(Guid id, CancellationToken cancellationToken)
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
                // The grain still answers; a claim it grants now has no one to use it, so it goes straight back.
                _ = GiveBackIfGrantedAsync(grain, id, claimant, claim);
                throw;
            }
        }
    }

    /// <summary>
    /// Waits for the job id's claim on behalf of a request whose upload is read, which its client no longer stops: at
    /// most <see cref="ApiOptions.SubmissionLease"/> five times over, null if it is not granted by then.
    /// </summary>
    public async Task<SubmissionClaim?> TryEnterAsync(Guid id)
    {
        using var bound = new CancellationTokenSource(options.Value.SubmissionLease * 5);
        try
        {
            return await EnterAsync(id, bound.Token);
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            return null;
        }
    }

    private async Task GiveBackIfGrantedAsync(ISubmissionGrain grain, Guid id, Guid claimant, Task<bool> claim)
    {
        try
        {
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
