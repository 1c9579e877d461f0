using Vsr.Grains.Jobs;

namespace Vsr.Api.Jobs;

/// <summary>One Server-Sent Event's JSON: status, frames done/total, fps, ETA.</summary>
public sealed record JobEventView(Guid Id, string Status, JobProgress Progress, double? EtaSeconds, string? Error)
{
    public static JobEventView From(JobEvent e) => new(e.Id, JobView.StatusName(e.Status), e.Progress, e.EtaSeconds, e.Error);
}
