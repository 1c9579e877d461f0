using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Vsr.Bench.Png;

namespace Vsr.Bench.Classic;

/// <summary>
/// The textbook way to run an upscaler: an ONNX Runtime session with default options, one whole picture per call
/// (batch 1, no tiling), a fresh input tensor and fresh outputs every time, results clamped and rounded to bytes.
/// </summary>
public sealed class PlainOnnxUpscaler : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _inputName;
    private readonly int _scale;

    public PlainOnnxUpscaler(string modelPath, int scale)
    {
        _session = new InferenceSession(modelPath);
        _inputName = _session.InputNames[0];
        _scale = scale;
    }

    public RgbImage Upscale(RgbImage image)
    {
        var (width, height) = (image.Width, image.Height);
        var plane = width * height;
        var input = new DenseTensor<float>([1, 3, height, width]);
        var values = input.Buffer.Span;
        for (var p = 0; p < plane; p++)
        {
            for (var channel = 0; channel < 3; channel++)
            {
                values[(channel * plane) + p] = image.Pixels[(p * 3) + channel] / 255f;
            }
        }

        using var results = _session.Run([NamedOnnxValue.CreateFromTensor(_inputName, input)]);
        var output = ((DenseTensor<float>)results[0].AsTensor<float>()).Buffer.Span;
        var (outWidth, outHeight) = (width * _scale, height * _scale);
        var outPlane = outWidth * outHeight;
        if (output.Length != 3 * outPlane)
        {
            throw new InvalidOperationException($"The model returned {output.Length} values; x{_scale} of {width}x{height} needs {3 * outPlane}");
        }

        var pixels = new byte[outPlane * 3];
        for (var p = 0; p < outPlane; p++)
        {
            for (var channel = 0; channel < 3; channel++)
            {
                pixels[(p * 3) + channel] = (byte)MathF.Round(Math.Clamp(output[(channel * outPlane) + p], 0f, 1f) * 255f);
            }
        }

        return new RgbImage(outWidth, outHeight, pixels);
    }

    public void Dispose() => _session.Dispose();
}
