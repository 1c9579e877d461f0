using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Vsr.Train.Tests;

/// <summary>Runs an ONNX model once on a [1, 3, H, W] input with ONNX Runtime's CPU provider.</summary>
public static class OrtRunner
{
    public static (float[] Values, int[] Shape) Run(byte[] model, float[] input, int height, int width)
    {
        using var session = new InferenceSession(model);
        var tensor = new DenseTensor<float>(input, [1, 3, height, width]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(session.InputNames.Single(), tensor)]);
        var output = results.Single().AsTensor<float>();
        return (output.ToArray(), output.Dimensions.ToArray());
    }
}
