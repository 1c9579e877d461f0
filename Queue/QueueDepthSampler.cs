using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Vsr.Queue;

/// <summary>Reads the queue's depth every <see cref="JobQueueOptions.DepthSampleInterval"/>, which refreshes <see cref="QueueDepthGauge"/>.</summary>
public sealed class QueueDepthSampler(IJobQueue queue, IOptions<JobQueueOptions> options, ILogger<QueueDepthSampler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.DepthSampleInterval);
        var failing = false;
        do
        {
            try
            {
                await queue.GetDepthAsync(stoppingToken);
                failing = false;
            }
            catch (Exception failure) when (!stoppingToken.IsCancellationRequested)
            {
                // One warning per outage, not one per sample.
                if (!failing)
                {
                    logger.LogWarning(failure, "Could not read the job queue's depth; the gauge keeps its last reading");
                }

                failing = true;
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
