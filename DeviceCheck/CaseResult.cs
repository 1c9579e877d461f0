using Vsr.Engine.Inference;

namespace Vsr.DeviceCheck;

/// <summary>One model at one precision on the device under check, against the same model at fp32 on the CPU.</summary>
/// <param name="Device">Null when the case failed before the device produced anything (see <see cref="Failures"/>).</param>
/// <param name="Reference">The CPU's fp32 run; null when it failed.</param>
/// <param name="Failures">Why the case failed, each in words an operator can act on; empty when it passed.</param>
public sealed record CaseResult(
    string Model,
    int Scale,
    DeviceId Requested,
    InferencePrecision Precision,
    Measurement? Device,
    Measurement? Reference,
    OutputComparison? Comparison,
    IReadOnlyList<string> Failures)
{
    public bool Passed => Failures.Count == 0;

    /// <summary>The engine settings the device ran at (tile edge, tiles per run, convolution search), in words.</summary>
    public string Setting { get; init; } = string.Empty;

    public double MinimumPsnr => PrecisionsToCheck.MinimumPsnr(Precision);

    /// <summary>
    /// Judges a case. It fails when the device ran on another provider than it asked for (a silent CPU fallback would
    /// otherwise pass every comparison), ran another precision, or its output is further from the CPU's than
    /// <see cref="PrecisionsToCheck.MinimumPsnr"/> allows.
    /// </summary>
    public static CaseResult Judge(string model, int scale, DeviceId requested, InferencePrecision precision, Measurement? device, Measurement? reference, string? error)
    {
        var failures = new List<string>();
        if (error is not null)
        {
            failures.Add(error);
        }

        var asked = ExecutionProviderSelection.DisplayName(requested.Provider);
        if (device is not null && device.Provider != asked)
        {
            var why = device.Warnings.Count > 0 ? string.Join(" | ", device.Warnings) : "the engine logged no reason";
            failures.Add($"{requested} asked for the {asked} provider but got {device.Provider}: {why}");
        }

        if (device?.Precision is { } obtained && obtained != precision)
        {
            failures.Add($"{precision} was asked for but the session runs {obtained}: {string.Join(" | ", device.Warnings)}");
        }

        OutputComparison? comparison = null;
        if (device is not null && reference is not null)
        {
            comparison = OutputComparison.Of(device.Outputs, reference.Outputs);
            var floor = PrecisionsToCheck.MinimumPsnr(precision);
            if (comparison.Psnr < floor)
            {
                failures.Add($"output is {comparison.Psnr:F1} dB from the CPU's fp32 output (max difference {comparison.MaxAbsDifference} levels); {precision} needs at least {floor} dB");
            }
        }

        return new CaseResult(model, scale, requested, precision, device, reference, comparison, failures);
    }
}
