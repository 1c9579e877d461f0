using Vsr.Train.Data;

namespace Vsr.Train.Evaluation;

/// <summary>A named way to turn a task's input frame into its answer; null <see cref="Run"/> means "the input as is".</summary>
public sealed record EvaluationMethod(string Name, Func<RgbImage, RgbImage>? Run);
