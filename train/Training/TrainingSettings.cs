using Vsr.Train.Network;

namespace Vsr.Train.Training;

/// <summary>Everything that decides what a training run computes; all of it goes into the model card.</summary>
public sealed record TrainingSettings(
    string Name,
    NetworkShape Shape,
    string Recipe,
    int Steps,
    int BatchSize,
    int PatchSize,
    double LearningRate,
    int Seed,
    int CheckpointEvery,
    string? InitFrom,
    int StopAt,
    int Threads = 1,
    string Loss = "l1")
{
    public static TrainingSettings From(TrainOptions options)
    {
        var scale = options.Get("scale", 2);
        return new TrainingSettings(
            options.Get("name", $"model-x{scale}"),
            new NetworkShape(options.Get("width", 32), options.Get("depth", 8), scale, options.Get("unshuffle", 1)),
            options.Get("recipe", scale == 1 ? "restore" : "upscale"),
            options.Get("steps", 2000),
            options.Get("batch", 16),
            options.Get("patch", 48),
            options.Get("lr", 5e-4),
            options.Get("seed", 1234),
            options.Get("checkpoint-every", 100),
            options.Get("init"),
            options.Get("stop-at", int.MaxValue),
            options.Get("threads", 1),
            options.Get("loss", "l1") switch
            {
                var loss when loss is "l1" or "l2" => loss,
                var other => throw new ArgumentException($"unknown loss '{other}' (l1, l2)"),
            });
    }

    /// <summary>
    /// libtorch's intra-op threads. One thread makes a run bit-for-bit repeatable (measured: two 40-step runs with two
    /// threads ended with different weights, with one thread identical ones); more threads trade that for speed.
    /// </summary>
    public bool Deterministic => Threads == 1;

    /// <summary>
    /// "l1" (mean absolute error) or "l2" (mean squared error). L1 is the recipe's default; L2 is the loss PSNR rewards,
    /// for fine-tuning a model whose residual errors are not symmetric around zero (compression artefacts).
    /// </summary>
    public string LossName => Loss == "l2" ? "L2" : "L1";

    /// <summary>The step this run ends at: <c>--stop-at</c> cuts a run short without changing its schedule.</summary>
    public int LastStep => Math.Min(Steps, StopAt);

    /// <summary>Cosine decay from the base rate to a tenth of it, a function of the step only, so resuming is exact.</summary>
    public double LearningRateAt(long step) =>
        LearningRate * (0.1 + 0.9 * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1.0, step / (double)Math.Max(1, Steps)))));
}
