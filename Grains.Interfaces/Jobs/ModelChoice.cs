namespace Vsr.Grains.Jobs;

/// <summary>Which models a job runs and why; decided once, when the job starts, and persisted with it.</summary>
/// <param name="Model">The upscaler.</param>
/// <param name="Content"><c>live</c> or <c>animation</c>: what the upscaler is for.</param>
/// <param name="Reason">How it was chosen, in words (for example the measured flat share that decided <c>auto</c>).</param>
/// <param name="RestoreModel">The x1 restorer run before the upscaler, when the job asked to denoise or deblock.</param>
/// <param name="FlatFraction">The measured flat share, when the content was detected.</param>
[GenerateSerializer, Immutable]
public sealed record ModelChoice(
    [property: Id(0)] string Model,
    [property: Id(1)] string Content,
    [property: Id(2)] string Reason,
    [property: Id(3)] string? RestoreModel,
    [property: Id(4)] double? FlatFraction = null);
