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
    public async Task<IAsyncDisposable> EnterAsync(Guid id, CancellationToken cancellationToken)
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
                    return new Claim(grain, id, claimant, lease, logger);
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

    private sealed class Claim : IAsyncDisposable
    {
        private readonly ISubmissionGrain _grain;
        private readonly Guid _id;
        private readonly Guid _claimant;
        private readonly TimeSpan _lease;
        private readonly ILogger _logger;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _renewing;

        public Claim(ISubmissionGrain grain, Guid id, Guid claimant, TimeSpan lease, ILogger logger)
        {
            (_grain, _id, _claimant, _lease, _logger) = (grain, id, claimant, lease, logger);
            _renewing = RenewAsync();
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _renewing;
            _stop.Dispose();
            try
            {
                await _grain.Release(_claimant);
            }
            catch (Exception e)
            {
                // The submission itself is settled; the next request with the key waits out the lease instead.
                _logger.LogWarning(e, "The submission claim on job {Job} could not be given back; it is held until its lease runs out", _id);
            }
        }

        // Renewed three times a lease, so an upload of any size keeps its claim, and a missed renewal or two costs nothing.
        private async Task RenewAsync()
        {
            using var timer = new PeriodicTimer(_lease / 3);
            try
            {
                while (await timer.WaitForNextTickAsync(_stop.Token))
                {
                    try
                    {
                        if (!await _grain.Renew(_claimant, _lease))
                        {
                            _logger.LogWarning("The submission claim on job {Job} ran out of lease and another request holds it; both may store and publish", _id);
                            return;
                        }
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        _logger.LogWarning(e, "The submission claim on job {Job} was not renewed this time", _id);
                    }
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // Disposed: the submission is settled and the claim is given back.
            }
        }
    }
}
