using System.Diagnostics;
using Vsr.Grains.Intake;

namespace Vsr.Api.Jobs;

/// <summary>
/// One request's claim on a job id's submission (see <see cref="SubmissionClaims"/>), renewed every third of its lease
/// until disposed. It is lost when a renewal finds another request holding it, or when no renewal got through for a
/// whole lease (the API cut off from the silo), after which the grain may have handed it on: a lost claim never comes
/// back, and its request no longer owns what is stored under the job id.
/// </summary>
public sealed class SubmissionClaim : IAsyncDisposable
{
    /// <summary>How long disposing waits for a renewal under way before it gives the claim back beside it.</summary>
    private static readonly TimeSpan LongestRenewalWait = TimeSpan.FromSeconds(1);

    private readonly ISubmissionGrain _grain;
    private readonly Guid _id;
    private readonly Guid _claimant;
    private readonly TimeSpan _lease;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _lost = new();
    private readonly Task _renewing;

    /// <summary>When the last renewal the grain granted was sent (a <see cref="Stopwatch"/> timestamp).</summary>
    private long _renewed = Stopwatch.GetTimestamp();

    /// <summary>Holds the claim <paramref name="claimant"/> was just granted on <paramref name="grain"/> and renews it.</summary>
    public SubmissionClaim(ISubmissionGrain grain, Guid id, Guid claimant, TimeSpan lease, ILogger logger)
    {
        (_grain, _id, _claimant, _lease, _logger) = (grain, id, claimant, lease, logger);
        _renewing = RenewAsync(_stop.Token);
    }

    /// <summary>Cancelled once the claim is lost.</summary>
    public CancellationToken Lost => _lost.Token;

    /// <summary>Whether the claim is lost.</summary>
    public bool IsLost => _lost.IsCancellationRequested;

    /// <summary>
    /// Whether the claim is still this request's, asked of the grain now; a yes renews it for a whole lease. For a step
    /// that must not be taken by a request whose claim was lost (storing under the job id, publishing what is stored
    /// there again, removing it): the renewals notice a loss only at their next tick, up to a third of a lease after the
    /// grain handed the claim on. A grain that does not answer is asked again until it does, or until no renewal has
    /// been granted for a whole lease, when the claim counts as lost.
    /// </summary>
    public async Task<bool> ConfirmAsync()
    {
        while (!IsLost)
        {
            var sent = Stopwatch.GetTimestamp();
            bool held;
            try
            {
                held = await _grain.Renew(_claimant, _lease);
            }
            catch (Exception e)
            {
                if (await LapsedAsync())
                {
                    return false;
                }

                _logger.LogWarning(e, "The submission claim on job {Job} could not be confirmed this time; asking again", _id);
                await Task.Delay(_lease / 10);
                continue;
            }

            return await KeepAsync(held, sent);
        }

        return false;
    }

    /// <summary>Stops the renewals and gives the claim back; never throws.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            // A renewal stuck on an unanswering silo could hold this up to the response timeout; the submission is settled.
            await _renewing.WaitAsync(LongestRenewalWait);
        }
        catch (TimeoutException)
        {
            _logger.LogDebug("A renewal of the submission claim on job {Job} is still under way; the claim is given back beside it", _id);
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "The renewals of the submission claim on job {Job} ended in an error", _id);
        }

        try
        {
            await _grain.Release(_claimant);
        }
        catch (Exception e)
        {
            // The submission itself is settled; the next request with the key waits out the lease instead.
            _logger.LogWarning(e, "The submission claim on job {Job} could not be given back; it is held until its lease runs out", _id);
        }

        if (_renewing.IsCompleted)
        {
            _stop.Dispose();
            _lost.Dispose();
        }
    }

    // Renewed three times a lease, so an upload of any size keeps its claim, and a missed renewal or two costs nothing.
    private async Task RenewAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(_lease / 3);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                if (IsLost)
                {
                    // Found lost by a confirmation: a renewal now could take the claim back once its new holder let go.
                    return;
                }

                var sent = Stopwatch.GetTimestamp();
                bool? held = null;
                try
                {
                    held = await _grain.Renew(_claimant, _lease);
                }
                catch (Exception e) when (!stop.IsCancellationRequested)
                {
                    _logger.LogWarning(e, "The submission claim on job {Job} was not renewed this time", _id);
                }

                if (held is { } answer)
                {
                    if (!await KeepAsync(answer, sent))
                    {
                        return;
                    }
                }
                else if (await LapsedAsync())
                {
                    return;
                }
            }
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
            // Disposed: the submission is settled and the claim is given back.
        }
    }

    /// <summary>
    /// Takes the grain's answer to a renewal sent at <paramref name="sent"/>: whether the claim is still held. Also a
    /// yes may come too late: if no renewal was granted for a whole lease before it, the claim may have been taken and
    /// given back meanwhile.
    /// </summary>
    private async Task<bool> KeepAsync(bool held, long sent)
    {
        if (IsLost)
        {
            return false;
        }

        if (!held)
        {
            await LoseAsync("another request holds it");
            return false;
        }

        // Counted to now, not to when it was sent: the grain may have handled it any time before its answer came.
        var last = Volatile.Read(ref _renewed);
        if (await LapsedAsync())
        {
            return false;
        }

        // The latest grant counts; a renewal and a confirmation may be answered out of order.
        while (sent > last && Interlocked.CompareExchange(ref _renewed, sent, last) != last)
        {
            last = Volatile.Read(ref _renewed);
        }

        return true;
    }

    /// <summary>Whether no renewal was granted for a whole lease, after which another request may have held the claim; loses it if so.</summary>
    private async Task<bool> LapsedAsync()
    {
        if (Stopwatch.GetElapsedTime(Volatile.Read(ref _renewed)) < _lease)
        {
            return false;
        }

        await LoseAsync("no renewal got through for a whole lease, so another request may have held it");
        return true;
    }

    private Task LoseAsync(string why)
    {
        _logger.LogWarning("The submission claim on job {Job} is lost: {Why}", _id, why);
        return _lost.CancelAsync();
    }
}
