using System.Diagnostics;
using Vsr.Cluster.Tests.Support;
using Vsr.Grains.Intake;

namespace Vsr.Cluster.Tests.Intake;

[Collection(ClusterCollection.Name)]
public sealed class SubmissionGrainTests(ClusterFixture fixture)
{
    // Long enough that a renewal every quarter lease survives a stall of a loaded 2-vCPU machine.
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(3);

    private ISubmissionGrain NewClaim() => fixture.Cluster.Cluster.Client.GetGrain<ISubmissionGrain>(Guid.NewGuid());

    [Fact]
    public async Task A_second_claimant_waits_until_the_holder_gives_the_claim_back()
    {
        var claim = NewClaim();
        var holder = Guid.NewGuid();
        Assert.True(await claim.Claim(holder, TimeSpan.FromMinutes(1)));

        var next = claim.Claim(Guid.NewGuid(), TimeSpan.FromMinutes(1)).AsTask();
        await Task.Delay(500);
        Assert.False(next.IsCompleted, "the second claimant got the claim while the first held it");
        await claim.Release(holder);

        Assert.True(await next.WaitAsync(TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task A_holder_that_renews_keeps_the_claim_past_its_lease_and_a_waiter_gets_it_a_lease_after_the_last_renewal()
    {
        var claim = NewClaim();
        var holder = Guid.NewGuid();
        Assert.True(await claim.Claim(holder, Lease));

        var next = claim.Claim(Guid.NewGuid(), Lease).AsTask();
        var lastRenewal = new Stopwatch();
        for (var i = 0; i < 6; i++)
        {
            await Task.Delay(Lease / 4);
            // Started before the call: the grain counts the lease from when it handles the renewal, after this.
            lastRenewal.Restart();
            Assert.True(await claim.Renew(holder, Lease));
        }

        Assert.False(next.IsCompleted, "the waiter got the claim while its holder renewed it");
        Assert.True(await next.WaitAsync(Lease * 3));
        Assert.True(lastRenewal.Elapsed >= Lease - TimeSpan.FromMilliseconds(50), $"the waiter got the claim {lastRenewal.Elapsed} after the last renewal, inside the lease");
    }

    [Fact]
    public async Task A_holder_whose_lease_ran_out_and_was_taken_over_cannot_renew_or_release_the_new_claim()
    {
        var claim = NewClaim();
        var late = Guid.NewGuid();
        var next = Guid.NewGuid();
        Assert.True(await claim.Claim(late, Lease));
        await Task.Delay(Lease);

        // The grain's timer frees the claim once the lease has run out; on a loaded machine it may tick late.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await claim.Renew(next, TimeSpan.FromMinutes(1)))
        {
            Assert.True(DateTime.UtcNow < deadline, "the claim was not freed after its lease ran out");
            await Task.Delay(100);
        }


        Assert.False(await claim.Renew(late, Lease));
        await claim.Release(late);
        Assert.False(await claim.Renew(Guid.NewGuid(), Lease));
    }

    [Fact]
    public async Task A_waiter_that_leaves_the_line_is_not_handed_the_claim_and_the_one_behind_it_is()
    {
        var claim = NewClaim();
        var holder = Guid.NewGuid();
        var (gone, next) = (Guid.NewGuid(), Guid.NewGuid());
        Assert.True(await claim.Claim(holder, TimeSpan.FromMinutes(1)));
        var goneCall = claim.Claim(gone, TimeSpan.FromMinutes(1)).AsTask();
        await Task.Delay(200);
        var nextCall = claim.Claim(next, TimeSpan.FromMinutes(1)).AsTask();
        await Task.Delay(200);

        // Its request gave up, as SubmissionClaims does when its client goes away or its wait runs out.
        await claim.Release(gone);
        Assert.False(await goneCall.WaitAsync(TimeSpan.FromSeconds(5)));
        await claim.Release(holder);

        Assert.True(await nextCall.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.False(await claim.Renew(gone, Lease));
    }

    [Fact]
    public async Task Waiters_get_the_claim_in_the_order_they_asked_and_one_whose_call_timed_out_keeps_its_place()
    {
        var claim = NewClaim();
        var holder = Guid.NewGuid();
        var (first, second, third) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        Assert.True(await claim.Claim(holder, TimeSpan.FromMinutes(1)));

        var firstCall = claim.Claim(first, TimeSpan.FromMinutes(1)).AsTask();
        await Task.Delay(TimeSpan.FromSeconds(2));
        // These ask again whenever a call times out, as SubmissionClaims does, so a slow machine changes no outcome.
        var secondCall = ClaimUntilGrantedAsync(claim, second);
        // The first one's call gives up after ten seconds or so, and it asks again at once.
        Assert.False(await firstCall.WaitAsync(TimeSpan.FromSeconds(15)));
        firstCall = ClaimUntilGrantedAsync(claim, first);
        var thirdCall = ClaimUntilGrantedAsync(claim, third);
        await Task.Delay(500);

        await claim.Release(holder);
        Assert.True(await firstCall.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(secondCall.IsCompleted || thirdCall.IsCompleted, "a later claimant got the claim while the first held it");
        await claim.Release(first);
        Assert.True(await secondCall.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(thirdCall.IsCompleted, "the third claimant got the claim while the second held it");
        await claim.Release(second);
        Assert.True(await thirdCall.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    private static async Task<bool> ClaimUntilGrantedAsync(ISubmissionGrain claim, Guid claimant)
    {
        while (!await claim.Claim(claimant, TimeSpan.FromMinutes(1)))
        {
        }

        return true;
    }
}
