namespace Vsr.Grains.Jobs;

/// <summary>Lifecycle of a job. Only forward moves happen: Pending → Processing → Completed | Failed.</summary>
public enum JobStatus
{
    /// <summary>The grain has no job (never submitted).</summary>
    None = 0,
    Pending = 1,
    Processing = 2,
    Completed = 3,
    Failed = 4,
}
