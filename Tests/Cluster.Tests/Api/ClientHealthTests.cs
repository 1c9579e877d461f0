using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vsr.Api.Jobs;

namespace Vsr.Cluster.Tests.Api;

/// <summary>An API replica of its own (Orleans:Mode=Client) reports whether it reaches the cluster; the API sweeps its scratch.</summary>
public sealed class ClientHealthTests(ApiReplicasFixture replicas) : IClassFixture<ApiReplicasFixture>
{
    [Fact]
    public async Task A_client_mode_api_is_healthy_while_it_reaches_a_silo_and_says_so()
    {
        using var response = await replicas.SecondClient.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var health = await response.Content.ReadFromJsonAsync<JsonElement>();
        var cluster = Assert.Single(health.GetProperty("checks").EnumerateArray(), c => c.GetProperty("name").GetString() == "cluster");
        Assert.Equal("Healthy", cluster.GetProperty("status").GetString());
        Assert.Equal("1 active silo(s)", cluster.GetProperty("description").GetString());

        // Liveness leaves the cluster out: restarting an API whose cluster is away mends nothing.
        using var live = await replicas.SecondClient.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        var checks = (await live.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks").EnumerateArray();
        Assert.DoesNotContain(checks, c => c.GetProperty("name").GetString() == "cluster");
    }

    [Fact]
    public void Uploads_an_earlier_process_left_in_scratch_are_swept_and_recent_ones_kept()
    {
        using var scratch = new Support.TempDirectory("vsr-sweep");
        var left = scratch.Combine("left.mp4");
        var recent = scratch.Combine("recent.mp4");
        File.WriteAllBytes(left, [1]);
        File.WriteAllBytes(recent, [2]);
        File.SetLastWriteTimeUtc(left, DateTime.UtcNow.AddHours(-7));

        Assert.Equal(1, UploadForm.SweepLeftovers(scratch.Path, TimeSpan.FromHours(6)));

        Assert.False(File.Exists(left));
        Assert.True(File.Exists(recent));
        Assert.Equal(0, UploadForm.SweepLeftovers(scratch.Combine("never-made"), TimeSpan.FromHours(6)));
    }
}
