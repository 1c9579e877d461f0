using System.Drawing;

namespace Vsr.Engine.Inference;

/// <summary>
/// One piece of a tiled frame, in input pixels: the model runs on <see cref="Context"/>, and only the
/// <see cref="Core"/> part of its result is kept, so that the cut edges never reach the output.
/// </summary>
public readonly record struct FrameTile(Rectangle Core, Rectangle Context);
