namespace Vsr.Queue;

/// <summary>Settings shared by every kind of queue (section <c>Vsr:Queue</c>).</summary>
public sealed class JobQueueOptions
{
    public const string SectionName = "Vsr:Queue";

    public JobQueueKind Kind { get; set; } = JobQueueKind.InProcess;

    /// <summary>How often the depth gauge is refreshed.</summary>
    public TimeSpan DepthSampleInterval { get; set; } = TimeSpan.FromSeconds(5);
}
