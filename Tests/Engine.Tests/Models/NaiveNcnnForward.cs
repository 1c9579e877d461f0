using System.Globalization;
using Vsr.Engine.Models;

namespace Vsr.Engine.Tests.Models;

/// <summary>
/// A deliberately plain fp32 interpreter of ncnn layers (C x H x W tensors, loops, no tricks), written
/// from ncnn's documented semantics, to check the ONNX export against something that shares no code with it.
/// </summary>
internal static class NaiveNcnnForward
{
    public sealed record Tensor(int Channels, int Height, int Width, float[] Data)
    {
        public float this[int c, int y, int x] => Data[(((c * Height) + y) * Width) + x];

        public static Tensor Zeros(int c, int h, int w) => new(c, h, w, new float[c * h * w]);

        public void Set(int c, int y, int x, float v) => Data[(((c * Height) + y) * Width) + x] = v;
    }

    public static Tensor Run(NcnnModel model, Tensor input)
    {
        var blobs = new Dictionary<string, Tensor>();
        foreach (var layer in model.Layers)
        {
            var p = layer.Params;
            Tensor In(int i) => blobs[layer.Inputs[i]];
            switch (layer.Type)
            {
                case "Input":
                    blobs[layer.Outputs[0]] = input;
                    break;
                case "Split":
                    foreach (var output in layer.Outputs)
                    {
                        blobs[output] = In(0);
                    }

                    break;
                case "Convolution":
                    blobs[layer.Outputs[0]] = Convolution(In(0), layer.Weights[0], layer.Weights[1], p.GetInt(0, 0), p.GetInt(1, 0), p.GetInt(4, 0));
                    break;
                case "PReLU":
                    blobs[layer.Outputs[0]] = PRelu(In(0), layer.Weights[0]);
                    break;
                case "PixelShuffle":
                    blobs[layer.Outputs[0]] = PixelShuffle(In(0), p.GetInt(0, 1));
                    break;
                case "Interp":
                    Assert.Equal(1, p.GetInt(0, 0));
                    blobs[layer.Outputs[0]] = NearestUpsample(In(0), (int)p.GetFloat(1, 1f));
                    break;
                case "BinaryOp":
                    Assert.Equal(0, p.GetInt(0, 0));
                    blobs[layer.Outputs[0]] = Add(In(0), In(1));
                    break;
                default:
                    throw new NotSupportedException(layer.Type.ToString(CultureInfo.InvariantCulture));
            }
        }

        return blobs[model.Layers[^1].Outputs[0]];
    }

    // Stride 1, square kernel, zero padding on every side.
    private static Tensor Convolution(Tensor x, float[] weight, float[] bias, int outChannels, int kernel, int pad)
    {
        var inChannels = weight.Length / (outChannels * kernel * kernel);
        Assert.Equal(x.Channels, inChannels);
        var outH = x.Height + (2 * pad) - kernel + 1;
        var outW = x.Width + (2 * pad) - kernel + 1;
        var y = Tensor.Zeros(outChannels, outH, outW);
        for (var oc = 0; oc < outChannels; oc++)
        {
            for (var oy = 0; oy < outH; oy++)
            {
                for (var ox = 0; ox < outW; ox++)
                {
                    double sum = bias[oc];
                    for (var ic = 0; ic < inChannels; ic++)
                    {
                        for (var ky = 0; ky < kernel; ky++)
                        {
                            var iy = oy + ky - pad;
                            if (iy < 0 || iy >= x.Height)
                            {
                                continue;
                            }

                            for (var kx = 0; kx < kernel; kx++)
                            {
                                var ix = ox + kx - pad;
                                if (ix >= 0 && ix < x.Width)
                                {
                                    sum += (double)weight[(((((oc * inChannels) + ic) * kernel) + ky) * kernel) + kx] * x[ic, iy, ix];
                                }
                            }
                        }
                    }

                    y.Set(oc, oy, ox, (float)sum);
                }
            }
        }

        return y;
    }

    private static Tensor PRelu(Tensor x, float[] slopes)
    {
        var y = Tensor.Zeros(x.Channels, x.Height, x.Width);
        for (var c = 0; c < x.Channels; c++)
        {
            var slope = slopes.Length == 1 ? slopes[0] : slopes[c];
            for (var i = 0; i < x.Height; i++)
            {
                for (var j = 0; j < x.Width; j++)
                {
                    var v = x[c, i, j];
                    y.Set(c, i, j, v < 0 ? v * slope : v);
                }
            }
        }

        return y;
    }

    // Output (c, y*r + i, x*r + j) comes from input channel c*r*r + i*r + j at (y, x).
    private static Tensor PixelShuffle(Tensor x, int r)
    {
        var y = Tensor.Zeros(x.Channels / (r * r), x.Height * r, x.Width * r);
        for (var c = 0; c < y.Channels; c++)
        {
            for (var i = 0; i < r; i++)
            {
                for (var j = 0; j < r; j++)
                {
                    for (var h = 0; h < x.Height; h++)
                    {
                        for (var w = 0; w < x.Width; w++)
                        {
                            y.Set(c, (h * r) + i, (w * r) + j, x[(c * r * r) + (i * r) + j, h, w]);
                        }
                    }
                }
            }
        }

        return y;
    }

    private static Tensor NearestUpsample(Tensor x, int scale)
    {
        var y = Tensor.Zeros(x.Channels, x.Height * scale, x.Width * scale);
        for (var c = 0; c < y.Channels; c++)
        {
            for (var i = 0; i < y.Height; i++)
            {
                for (var j = 0; j < y.Width; j++)
                {
                    y.Set(c, i, j, x[c, i / scale, j / scale]);
                }
            }
        }

        return y;
    }

    private static Tensor Add(Tensor a, Tensor b)
    {
        Assert.Equal((a.Channels, a.Height, a.Width), (b.Channels, b.Height, b.Width));
        return new Tensor(a.Channels, a.Height, a.Width, a.Data.Zip(b.Data, (u, v) => u + v).ToArray());
    }

    /// <summary>
    /// Bicubic 0.5x: output pixel j samples input coordinate (j + 0.5) * 2 - 0.5 with the cubic
    /// convolution kernel (a = -0.75) over four neighbours, indices clamped to the image.
    /// </summary>
    public static Tensor BicubicHalf(Tensor x)
    {
        const double a = -0.75;
        static double Cubic(double d)
        {
            d = Math.Abs(d);
            return d <= 1 ? ((((a + 2) * d) - (a + 3)) * d * d) + 1
                : d < 2 ? (((((a * d) - (5 * a)) * d) + (8 * a)) * d) - (4 * a)
                : 0;
        }

        var y = Tensor.Zeros(x.Channels, x.Height / 2, x.Width / 2);
        for (var c = 0; c < y.Channels; c++)
        {
            for (var oy = 0; oy < y.Height; oy++)
            {
                var sy = ((oy + 0.5) * 2) - 0.5;
                var y0 = (int)Math.Floor(sy);
                for (var ox = 0; ox < y.Width; ox++)
                {
                    var sx = ((ox + 0.5) * 2) - 0.5;
                    var x0 = (int)Math.Floor(sx);
                    double sum = 0;
                    for (var ty = y0 - 1; ty <= y0 + 2; ty++)
                    {
                        for (var tx = x0 - 1; tx <= x0 + 2; tx++)
                        {
                            var v = x[c, Math.Clamp(ty, 0, x.Height - 1), Math.Clamp(tx, 0, x.Width - 1)];
                            sum += Cubic(sy - ty) * Cubic(sx - tx) * v;
                        }
                    }

                    y.Set(c, oy, ox, (float)sum);
                }
            }
        }

        return y;
    }
}
