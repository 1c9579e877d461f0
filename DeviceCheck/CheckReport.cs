namespace Vsr.DeviceCheck;

/// <summary>Everything one check measured, in the order it ran.</summary>
/// <param name="Skipped">Models not checked, with the reason (their weights are missing here, say).</param>
public sealed record CheckReport(
    CheckOptions Options,
    HostInfo Host,
    FrameSet Frames,
    DateTimeOffset Started,
    TimeSpan Elapsed,
    IReadOnlyList<CaseResult> Cases,
    IReadOnlyList<string> Skipped)
{
    /// <summary>True when every case passed and there was at least one.</summary>
    public bool Passed => Cases.Count > 0 && Cases.All(c => c.Passed);
}
