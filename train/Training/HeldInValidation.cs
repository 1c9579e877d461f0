using TorchSharp;
using Vsr.Engine.Quality;
using Vsr.Train.Degradation;
using Vsr.Train.Network;
using static TorchSharp.torch;

namespace Vsr.Train.Training;

/// <summary>
/// Scores a checkpoint on batches of its own recipe drawn with another seed: PSNR-Y over all patches (one mean squared
/// error, so that an untouched clean patch does not count as 100 dB) of the network's output and of the degraded input
/// brought to size by nearest neighbour (the network's skip path). It tells a model that has not learned its training
/// task from one whose task does not carry over to the held-out clips.
/// </summary>
public static class HeldInValidation
{
    public sealed record Result(int Patches, double InputPsnrY, double ModelPsnrY)
    {
        public double Gain => ModelPsnrY - InputPsnrY;
    }

    public static Result Run(CompactUpscaler model, BatchSampler sampler, int batches, int threads)
    {
        set_num_threads(threads);
        model.eval();
        var (input, output, patches) = (0.0, 0.0, 0);
        for (var b = 0; b < batches; b++)
        {
            var batch = sampler.Sample(b);
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var x = tensor(batch.Inputs, [batch.Count, 3, batch.InputSize, batch.InputSize]);
            var predicted = model.forward(x).clamp(0, 1).data<float>().ToArray();
            var scale = batch.TargetSize / batch.InputSize;
            var plane = batch.TargetSize * batch.TargetSize;
            for (var i = 0; i < batch.Count; i++)
            {
                var target = batch.Targets.AsSpan(i * 3 * plane, 3 * plane);
                var (inputs, lrOffset, hrOffset) = (batch.Inputs, i * 3 * batch.InputSize * batch.InputSize, i * 3 * plane);
                input += SquaredErrorY(target, (c, y, x) => inputs[lrOffset + (c * batch.InputSize + y / scale) * batch.InputSize + x / scale], batch.TargetSize);
                output += SquaredErrorY(target, (c, y, x) => predicted[hrOffset + (c * batch.TargetSize + y) * batch.TargetSize + x], batch.TargetSize);
                patches++;
            }
        }

        return new Result(patches, FrameQuality.PsnrOf(input / patches), FrameQuality.PsnrOf(output / patches));
    }

    // Luma as the evaluation measures it; values are 0..1 in planar RGB.
    private static double SquaredErrorY(ReadOnlySpan<float> target, Func<int, int, int, float> candidate, int size)
    {
        var plane = size * size;
        var mse = 0.0;
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var p = y * size + x;
                var a = FrameQuality.LumaY(target[p], target[plane + p], target[2 * plane + p]);
                var b = FrameQuality.LumaY(candidate(0, y, x), candidate(1, y, x), candidate(2, y, x));
                mse += (a - b) * (a - b);
            }
        }

        return mse / plane;
    }
}
