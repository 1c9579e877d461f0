namespace Vsr.Engine.Content;

/// <summary>The classifier's verdict and the measurement it rests on.</summary>
/// <param name="Kind"><see cref="ContentKind.Live"/> or <see cref="ContentKind.Animation"/>.</param>
/// <param name="FlatFraction">Share of sampled pixels whose luma equals its right and lower neighbours' within the tolerance.</param>
/// <param name="FramesSampled">How many frames the figure was taken over.</param>
public sealed record ContentAnalysis(ContentKind Kind, double FlatFraction, int FramesSampled);
