namespace Vsr.Bench;

/// <summary>The chunk calls of one job's dispatch phase (see <see cref="DispatchClock"/>).</summary>
/// <param name="Seconds">From the first chunk call sent to the last reply.</param>
/// <param name="MeanCallSeconds">Mean time from sending a chunk call to its reply.</param>
/// <param name="MeanIdleSeconds">Mean time a device waits between a reply and its next chunk call.</param>
/// <param name="Cores">CPU time of this process (every silo and the client) over <paramref name="Seconds"/>.</param>
public sealed record DispatchSummary(int Calls, double Seconds, double MeanCallSeconds, double MeanIdleSeconds, double Cores);
