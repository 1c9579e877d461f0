namespace Vsr.Engine.Models;

/// <summary>A model the service can run, as listed by <c>GET /v1/models</c>.</summary>
/// <param name="Name">Stable identifier used in job requests, e.g. <c>realesr-animevideov3</c>.</param>
/// <param name="Scales">Output scales this model supports.</param>
/// <param name="Description">One line for humans.</param>
/// <param name="License">SPDX id and copyright of the weights.</param>
/// <param name="Available">False when the weights are not cached yet (run scripts/fetch-model.sh).</param>
public sealed record ModelDescriptor(string Name, IReadOnlyList<int> Scales, string Description, string License, bool Available);
