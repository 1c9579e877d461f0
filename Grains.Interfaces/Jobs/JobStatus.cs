namespace Vsr.Grains.Jobs;

/// <summary>Lifecycle of a job. Only forward moves happen: Pending → Processing → Completed | Failed | Cancelled.</summary>
public enum JobStatus
{
    /// <summary>The grain has no job (never submitted).</summary>
    None = 0,
    Pending = 1,
    Processing = 2,
    Completed = 3,
    Failed = 4,

    /// <summary>Stopped at the user's request; chunk work was stopped and its files removed.</summary>
    Cancelled = 5,
}

/// <summary>What the statuses mean for a job's course.</summary>
public static class JobStatusExtensions
{
    /// <summary>Completed, Failed or Cancelled: the job will not change again.</summary>
    public static bool IsTerminal(this JobStatus status) => status is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled;
}
