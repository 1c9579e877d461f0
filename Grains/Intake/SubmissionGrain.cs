namespace Vsr.Grains.Intake;

/// <summary>
/// The claim on one job id's submission, in this activation's memory: a grain has one activation cluster-wide, so
/// every API replica asks the same one. Reentrant, so that a <see cref="ISubmissionGrain.Claim"/> that waits lets the
/// holder's renewals and release in. While claimed it holds itself active past the lease, so idle collection never
/// drops a live claim; a claim lost with its silo is the one case the lease does not cover (see the README).
/// </summary>
[Reentrant]
public sealed class SubmissionGrain(ILogger<SubmissionGrain> logger) : Grain, ISubmissionGrain
{
    /// <summary>How long one claim call waits, far below the 30 s response timeout.</summary>
    private static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(10);

    private Guid? _holder;
    private DateTime _leaseEnds;
    private TaskCompletionSource _released = NewSignal();

    async ValueTask<bool> ISubmissionGrain.Claim(Guid claimant, TimeSpan lease)
    {
        var giveUp = DateTime.UtcNow + LongestWait;
        while (true)
        {
            var now = DateTime.UtcNow;
            if (TryTake(claimant, lease, now))
            {
                return true;
            }

            if (now >= giveUp)
            {
                return false;
            }

            // Woken by a release, else when the holder's lease (as it stands now, after now) or this call's wait runs out.
            await Task.WhenAny(_released.Task, Task.Delay((_leaseEnds < giveUp ? _leaseEnds : giveUp) - now));
        }
    }

    ValueTask<bool> ISubmissionGrain.Renew(Guid claimant, TimeSpan lease) => ValueTask.FromResult(TryTake(claimant, lease, DateTime.UtcNow));

    ValueTask ISubmissionGrain.Release(Guid claimant)
    {
        if (_holder == claimant)
        {
            _holder = null;
            var released = _released;
            _released = NewSignal();
            released.SetResult();
        }

        return ValueTask.CompletedTask;
    }

    private bool TryTake(Guid claimant, TimeSpan lease, DateTime now)
    {
        if (_holder is { } holder && holder != claimant)
        {
            if (now < _leaseEnds)
            {
                return false;
            }

            logger.LogWarning("The submission claim on job {Job} ran out of lease without a release (its API request died or hung); another request takes it over",
                this.GetPrimaryKey());
        }

        _holder = claimant;
        _leaseEnds = now + lease;
        DelayDeactivation(lease);
        return true;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
