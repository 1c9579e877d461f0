namespace Vsr.Grains.Intake;

/// <summary>
/// The claim on one job id's submission, in this activation's memory: a grain has one activation cluster-wide, so
/// every API replica asks the same one. Waiting claimants stand in line and get the claim in the order they asked, on a
/// release or when the holder's lease runs out; the lease is read from a monotonic clock, so a jump of the wall clock
/// neither ends nor extends it. Reentrant, so that a <see cref="ISubmissionGrain.Claim"/> that waits lets the holder's
/// renewals and release in. While claimed it holds itself active past the lease, so idle collection never drops a live
/// claim; a claim lost with its silo is not covered (see the README).
/// </summary>
[Reentrant]
public sealed class SubmissionGrain(ILogger<SubmissionGrain> logger) : Grain, ISubmissionGrain
{
    /// <summary>How long one claim call waits, far below the 30 s response timeout.</summary>
    private static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(10);

    /// <summary>How long a claimant whose call timed out keeps its place in line for its next call.</summary>
    private static readonly TimeSpan PlaceKept = TimeSpan.FromSeconds(5);

    private readonly LinkedList<Waiter> _line = new();
    private Guid? _holder;
    private TimeSpan _leaseEnds;
    private IGrainTimer? _expiry;

    private static TimeSpan Now => TimeSpan.FromMilliseconds(Environment.TickCount64);

    async ValueTask<bool> ISubmissionGrain.Claim(Guid claimant, TimeSpan lease)
    {
        if (TryTake(claimant, lease))
        {
            return true;
        }

        // A claimant asking again after its last call timed out finds its place in line as it left it.
        var waiter = _line.FirstOrDefault(w => w.Claimant == claimant) ?? _line.AddLast(new Waiter(claimant)).Value;
        waiter.Lease = lease;
        waiter.Calls++;
        try
        {
            // WaitAsync drops its timer as soon as the claim is handed over, or the claimant leaves the line.
            return await waiter.Granted.Task.WaitAsync(LongestWait);
        }
        catch (TimeoutException)
        {
            return false;
        }
        finally
        {
            waiter.Calls--;
            waiter.LastCallEnded = Now;
        }
    }

    ValueTask<bool> ISubmissionGrain.Renew(Guid claimant, TimeSpan lease) => ValueTask.FromResult(TryTake(claimant, lease));

    ValueTask ISubmissionGrain.Release(Guid claimant)
    {
        if (_holder == claimant)
        {
            HandOver();
        }
        else if (_line.FirstOrDefault(w => w.Claimant == claimant) is { } waiter)
        {
            // Its request gave up: left in line, it could be handed the claim with no one to use it.
            _line.Remove(waiter);
            waiter.Granted.TrySetResult(false);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Renews the holder's claim, or takes a free claim that no one is in line for.</summary>
    private bool TryTake(Guid claimant, TimeSpan lease)
    {
        if (_holder != claimant && (_holder is not null || _line.Count > 0))
        {
            return false;
        }

        Hold(claimant, lease);
        return true;
    }

    private void Hold(Guid claimant, TimeSpan lease)
    {
        _holder = claimant;
        _leaseEnds = Now + lease;
        DelayDeactivation(lease);
        if (_expiry is null)
        {
            _expiry = this.RegisterGrainTimer(LeaseRanOut, new GrainTimerCreationOptions(lease, Timeout.InfiniteTimeSpan) { Interleave = true });
        }
        else
        {
            _expiry.Change(lease, Timeout.InfiniteTimeSpan);
        }
    }

    private Task LeaseRanOut()
    {
        if (_holder is null)
        {
            return Task.CompletedTask;
        }

        if (Now < _leaseEnds)
        {
            // Renewed since the timer fired: a Change() made between the firing and this tick is dropped when the tick
            // starts, so without this the timer would never fire again and a holder that stops renewing keep the claim.
            _expiry!.Change(_leaseEnds - Now, Timeout.InfiniteTimeSpan);
            return Task.CompletedTask;
        }

        logger.LogWarning("The submission claim on job {Job} ran out of lease without a release (its API request died, hung or was cut off from the cluster); the next request in line takes it over",
            this.GetPrimaryKey());
        HandOver();
        return Task.CompletedTask;
    }

    /// <summary>Gives the claim to the first one in line still asking for it, or leaves it free.</summary>
    private void HandOver()
    {
        _holder = null;
        while (_line.First is { } first)
        {
            _line.RemoveFirst();
            var waiter = first.Value;
            // Between two calls of a claimant the claim is held for it; one that stopped asking has gone away.
            if (waiter.Calls > 0 || Now - waiter.LastCallEnded < PlaceKept)
            {
                Hold(waiter.Claimant, waiter.Lease);
                waiter.Granted.SetResult(true);
                return;
            }
        }
    }

    private sealed class Waiter(Guid claimant)
    {
        public Guid Claimant { get; } = claimant;

        /// <summary>True once the claim is handed to this claimant, false if it left the line.</summary>
        public TaskCompletionSource<bool> Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TimeSpan Lease { get; set; }

        public int Calls { get; set; }

        public TimeSpan LastCallEnded { get; set; }
    }
}
