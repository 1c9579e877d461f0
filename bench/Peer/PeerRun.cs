namespace Vsr.Bench.Peer;

/// <summary>One run of the peer over a folder: its wall time, when each picture was reported done, and the Vulkan device it used.</summary>
public sealed record PeerRun(TimeSpan Elapsed, IReadOnlyList<TimeSpan> DoneAt, string Device, string Transcript)
{
    /// <summary>Seconds per picture once running: between the first and the last "done" line, so start-up is left out.</summary>
    public double? SteadySecondsPerPicture => DoneAt.Count >= 2 ? (DoneAt[^1] - DoneAt[0]).TotalSeconds / (DoneAt.Count - 1) : null;
}
