namespace Vsr.Train.Training;

/// <summary>Formats the one-line progress report: steps/s over the recent window, smoothed loss, ETA.</summary>
public static class ProgressLine
{
    public static string Format(long step, int total, double stepsPerSecond, double loss, double wallSeconds)
    {
        var remaining = stepsPerSecond > 0 ? TimeSpan.FromSeconds((total - step) / stepsPerSecond) : TimeSpan.Zero;
        return FormattableString.Invariant(
            $"step {step}/{total}  {stepsPerSecond:F2} steps/s  loss {loss:F5}  elapsed {TimeSpan.FromSeconds(wallSeconds):hh\\:mm\\:ss}  ETA {remaining:hh\\:mm\\:ss}");
    }
}
