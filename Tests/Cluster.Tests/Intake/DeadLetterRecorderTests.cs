using Microsoft.Extensions.Logging.Abstractions;
using Vsr.Cluster.Tests.Support;
using Vsr.Grains.Intake;
using Vsr.Grains.Jobs;
using Vsr.Queue;

namespace Vsr.Cluster.Tests.Intake;

/// <summary>What the silos record when a submission is dead-lettered.</summary>
public sealed class DeadLetterRecorderTests
{
    [Fact]
    public async Task A_failure_record_that_cannot_be_written_still_ends_the_job_FAILED_in_its_grain()
    {
        await using var cluster = await VsrTestCluster.StartAsync(devices: ["sim:0"]);
        var id = Guid.NewGuid();
        var message = new SubmitJob(id, $"jobs/{id:N}/source.mp4", "clip.mp4", 2, null, DateTimeOffset.UtcNow.AddMinutes(-1));
        var record = cluster.SiloStore.Fail(nameof(cluster.Store.PutAsync), key => key.Contains("intake-failure", StringComparison.Ordinal));
        var recorder = new DeadLetterRecorder(cluster.SiloStore, cluster.Cluster.Client, NullLogger<DeadLetterRecorder>.Instance);

        await recorder.OnDeadLetteredAsync(
            new DeadLetter(id.ToString(), "IOException: the database is unavailable", 5, message, DateTimeOffset.UtcNow), CancellationToken.None);

        Assert.Equal(1, record.Failed);
        var job = await cluster.Cluster.Client.GetGrain<IJobGrain>(id).GetSnapshot();
        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Equal("The job could not be started after 5 tries: IOException: the database is unavailable. Submit the video again.", job.Error);
    }
}
