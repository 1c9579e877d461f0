using Vsr.Grains.Jobs;

namespace Vsr.Grains.State;

/// <summary>
/// With <c>FileSystem</c> job state the reminders live in memory, so after every silo stopped no reminder brings an
/// unfinished job back. Once this silo is active, it finds the PENDING and PROCESSING jobs in the state directory, and
/// the ended ones whose callback is still to be delivered, and calls each once: the activation resumes the job from its
/// ledger, or the callback from its last attempt. Several silos on one directory call the same
/// jobs; a job has one activation, so that is harmless.
/// </summary>
public sealed class UnfinishedJobResumer(FileGrainStorage storage, IGrainFactory grains, ILogger<UnfinishedJobResumer> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _resuming = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(UnfinishedJobResumer), ServiceLifecycleStage.Active, OnStartAsync, OnStopAsync);

    private Task OnStartAsync(CancellationToken cancellationToken)
    {
        // In the background: the silo's start does not wait for every job's state to be read.
        _resuming = Task.Run(() => ResumeAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task OnStopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _resuming.WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task ResumeAsync(CancellationToken cancellationToken)
    {
        var resumed = 0;
        foreach (var grain in storage.GrainsWithState(JobGrain.StateName))
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var state = new GrainState<JobState>();
                await storage.ReadStateAsync(JobGrain.StateName, grain, state);
                if (state.State is { Status: JobStatus.Pending or JobStatus.Processing, Request: not null }
                    or { Webhook.Status: WebhookStatus.Pending })
                {
                    await grains.GetGrain<IJobGrain>(grain).GetSnapshot();
                    resumed++;
                }
            }
            catch (Exception failure) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(failure, "Could not resume job {Job} from the state directory; its next call resumes it", grain);
            }
        }

        if (resumed > 0)
        {
            logger.LogInformation("Resumed {Count} unfinished jobs found in the state directory", resumed);
        }
    }
}
