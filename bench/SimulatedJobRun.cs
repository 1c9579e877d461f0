namespace Vsr.Bench;

/// <summary>One job on simulated devices: its size, the devices it used, and how long it took.</summary>
/// <param name="Dispatch">Its chunk calls, from the first sent to the last reply (see <see cref="DispatchClock"/>).</param>
/// <param name="JobSeconds">Submission to COMPLETED, including probe, plan and assembly; polled, so ±0.1 s.</param>
public sealed record SimulatedJobRun(int Frames, int Chunks, int DevicesUsed, DispatchSummary Dispatch, double JobSeconds);
