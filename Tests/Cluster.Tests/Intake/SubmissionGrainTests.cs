using System.Diagnostics;
using Vsr.Cluster.Tests.Support;
using Vsr.Grains.Intake;

namespace Vsr.Cluster.Tests.Intake;

[Collection(ClusterCollection.Name)]
public sealed class SubmissionGrainTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(1);

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
        for (var i = 0; i < 8; i++)
        {
            await Task.Delay(Lease / 4);
            Assert.True(await claim.Renew(holder, Lease));
        }

        var lastRenewal = Stopwatch.StartNew();
        Assert.False(next.IsCompleted, "the waiter got the claim while its holder renewed it");
        Assert.True(await next.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(lastRenewal.Elapsed >= Lease * 0.9, $"the waiter got the claim {lastRenewal.Elapsed} after the last renewal, inside the lease");
    }

    [Fact]
    public async Task A_holder_whose_lease_ran_out_and_was_taken_over_cannot_renew_or_release_the_new_claim()
    {
        var claim = NewClaim();
        var late = Guid.NewGuid();
        var next = Guid.NewGuid();
        Assert.True(await claim.Claim(late, Lease));
        await Task.Delay(Lease + TimeSpan.FromMilliseconds(200));

        Assert.True(await claim.Renew(next, TimeSpan.FromMinutes(1)));
        Assert.False(await claim.Renew(late, Lease));
        await claim.Release(late);
        Assert.False(await claim.Renew(Guid.NewGuid(), Lease));
    }
}
