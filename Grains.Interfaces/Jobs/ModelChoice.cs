namespace Vsr.Grains.Jobs;

/// <summary>Which models a job runs and why; decided once, when the job starts, and persisted with it.</summary>
/// <param name="Model">The upscaler.</param>
/// <param name="Content"><c>live</c> or <c>animation</c>: what the upscaler is for.</param>
/// <param name="Reason">How it was chosen, in words (for example the measured flat share that decided <c>auto</c>).</param>
/// <param name="Restorers">The x1 restorers run before the upscaler, in order (<c>deblock-x1</c>, then <c>denoise-x1</c>), when the job asked to deblock or denoise; empty otherwise.</param>
/// <param name="FlatFraction">The measured flat share, when the content was detected.</param>
[GenerateSerializer, Immutable]
public sealed record ModelChoice(
    [property: Id(0)] string Model,
    [property: Id(1)] string Content,
    [property: Id(2)] string Reason,
    [property: Id(5)] string[] Restorers,
    [property: Id(4)] double? FlatFraction = null);
