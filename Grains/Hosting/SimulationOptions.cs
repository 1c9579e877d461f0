using System.ComponentModel.DataAnnotations;

namespace Vsr.Grains.Hosting;

/// <summary>
/// Settings of SIMULATED devices (<c>sim:N</c> in <c>Vsr:Devices</c>), which stand in for inference devices when
/// the scheduler is measured. Bound from <c>Vsr:Simulation</c>; unused unless a <c>sim</c> device is configured.
/// </summary>
public sealed class SimulationOptions
{
    public const string Section = "Vsr:Simulation";

    /// <summary>How long a simulated device holds a chunk per frame; it does no work meanwhile.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan FrameLatency { get; set; } = TimeSpan.FromMilliseconds(40);
}
