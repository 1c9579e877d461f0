using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Vsr.Api.Jobs;
using Vsr.Grains.Intake;

namespace Vsr.Cluster.Tests.Api;

public sealed class SubmissionClaimTests
{
    // Long enough that a renewal tick (every third of it) running late on a loaded machine does not lose the claim.
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task A_claim_whose_renewal_finds_another_holder_is_lost()
    {
        var grain = new ScriptedClaimGrain { Renewal = () => Task.FromResult(false) };
        await using var claim = Hold(grain);

        await WaitUntilCancelledAsync(claim.Lost);
        Assert.True(claim.IsLost);
    }

    [Fact]
    public async Task A_claim_not_renewed_for_a_whole_lease_is_lost_though_a_later_renewal_gets_through()
    {
        var calls = 0;
        var grain = new ScriptedClaimGrain
        {
            Renewal = () => Interlocked.Increment(ref calls) <= 4 ? Task.FromException<bool>(new TimeoutException()) : Task.FromResult(true),
        };
        await using var claim = Hold(grain);

        await WaitUntilCancelledAsync(claim.Lost);
    }

    [Fact]
    public async Task A_claim_renewed_in_time_is_not_lost()
    {
        var grain = new ScriptedClaimGrain { Renewal = () => Task.FromResult(true) };
        await using var claim = Hold(grain);

        await Task.Delay(Lease * 2);
        Assert.False(claim.IsLost);
        Assert.True(grain.Renewals >= 3, $"renewed {grain.Renewals} times in two leases");
    }

    [Fact]
    public async Task Disposing_a_claim_whose_renewal_was_cancelled_does_not_throw_and_gives_the_claim_back()
    {
        var grain = new ScriptedClaimGrain { Renewal = () => Task.FromCanceled<bool>(new CancellationToken(true)) };
        var claim = Hold(grain);
        await Task.Delay(Lease);

        await claim.DisposeAsync();
        Assert.Equal(1, grain.Releases);
    }

    [Fact]
    public async Task Disposing_a_claim_does_not_wait_for_a_renewal_that_hangs_and_gives_the_claim_back()
    {
        var renewing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var grain = new ScriptedClaimGrain
        {
            Renewal = () =>
            {
                renewing.TrySetResult();
                return new TaskCompletionSource<bool>().Task;
            },
        };
        var claim = Hold(grain);
        await renewing.Task.WaitAsync(TimeSpan.FromSeconds(5));

        var disposing = Stopwatch.StartNew();
        await claim.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(disposing.Elapsed < TimeSpan.FromSeconds(3), $"disposing took {disposing.Elapsed}");
        Assert.Equal(1, grain.Releases);
    }

    [Fact]
    public async Task A_claim_the_grain_handed_on_is_not_confirmed_though_its_renewals_have_not_noticed_yet()
    {
        var holds = true;
        var grain = new ScriptedClaimGrain { Renewal = () => Task.FromResult(Volatile.Read(ref holds)) };
        // A long lease: no renewal ticks during the test, as between two ticks of a real one.
        await using var claim = Hold(grain, TimeSpan.FromMinutes(10));

        Assert.True(await claim.ConfirmAsync());
        Volatile.Write(ref holds, false);
        Assert.False(claim.IsLost);

        Assert.False(await claim.ConfirmAsync());
        Assert.True(claim.IsLost);
        Assert.Equal(2, grain.Renewals);
        Assert.False(await claim.ConfirmAsync());
        Assert.Equal(2, grain.Renewals);
    }

    [Fact]
    public async Task A_confirmation_asks_a_grain_that_did_not_answer_again_until_it_does()
    {
        var calls = 0;
        var grain = new ScriptedClaimGrain
        {
            Renewal = () => Interlocked.Increment(ref calls) <= 2 ? Task.FromException<bool>(new TimeoutException()) : Task.FromResult(true),
        };
        await using var claim = Hold(grain, TimeSpan.FromSeconds(10));

        Assert.True(await claim.ConfirmAsync());
        Assert.Equal(3, grain.Renewals);
        Assert.False(claim.IsLost);
    }

    [Fact]
    public async Task A_confirmation_the_grain_never_answers_counts_the_claim_lost_after_a_whole_lease()
    {
        var grain = new ScriptedClaimGrain { Renewal = () => Task.FromException<bool>(new TimeoutException()) };
        var clock = Stopwatch.StartNew();
        await using var claim = Hold(grain);

        Assert.False(await claim.ConfirmAsync());
        Assert.True(claim.IsLost);
        Assert.True(clock.Elapsed >= Lease, $"lost after {clock.Elapsed}, inside the lease");
    }

    private static SubmissionClaim Hold(ScriptedClaimGrain grain, TimeSpan? lease = null) =>
        new(grain, Guid.NewGuid(), Guid.NewGuid(), lease ?? Lease, NullLogger.Instance);

    private static Task WaitUntilCancelledAsync(CancellationToken token) =>
        Task.Delay(Timeout.Infinite, token).ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(Lease * 4);

    /// <summary>A submission grain whose renewals answer as the test says.</summary>
    private sealed class ScriptedClaimGrain : ISubmissionGrain
    {
        private int _renewals;
        private int _releases;

        public Func<Task<bool>> Renewal { get; init; } = () => Task.FromResult(true);

        public int Renewals => _renewals;

        public int Releases => _releases;

        public ValueTask<bool> Claim(Guid claimant, TimeSpan lease) => ValueTask.FromResult(true);

        public ValueTask<bool> Renew(Guid claimant, TimeSpan lease)
        {
            Interlocked.Increment(ref _renewals);
            return new ValueTask<bool>(Renewal());
        }

        public ValueTask Release(Guid claimant)
        {
            Interlocked.Increment(ref _releases);
            return ValueTask.CompletedTask;
        }
    }
}
