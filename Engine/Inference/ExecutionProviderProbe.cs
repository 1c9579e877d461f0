using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Vsr.Engine.Models;

namespace Vsr.Engine.Inference;

/// <summary>
/// Finds the provider a device can really run on (see <see cref="ExecutionProviderSelection"/>) by creating and running a
/// one-node model on it with the device's own provider options. Loading the provider's libraries is not enough: a node
/// with the CUDA libraries but no GPU, or <c>cuda:4</c> on a four-GPU node, loads them and then fails every session.
/// </summary>
public static class ExecutionProviderProbe
{
    private static readonly float[] ProbePixel = [0.25f, 0.5f, 0.75f];
    private static readonly Lazy<byte[]> ProbeModel = new(BuildProbeModel);

    /// <summary>
    /// The provider <paramref name="id"/> runs on, each better one passed over logged with ONNX Runtime's reason.
    /// </summary>
    /// <exception cref="GpuRequiredException"><see cref="InferenceOptions.RequireGpu"/> is set and a GPU device would run on the CPU.</exception>
    public static ProviderChoice Choose(DeviceId id, InferenceOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        var choice = ExecutionProviderSelection.Choose(id.Provider, provider => Probe(id, options, provider));
        foreach (var skipped in choice.Skipped)
        {
            logger.LogWarning("{Provider} is not usable for {Device}, falling back to the {Next} provider: {Reason}",
                ExecutionProviderSelection.DisplayName(skipped.Provider), id, ExecutionProviderSelection.DisplayName(skipped.Next), skipped.Reason);
        }

        if (options.RequireGpu && id.Provider != ExecutionProviderKind.Cpu && choice.Provider == ExecutionProviderKind.Cpu)
        {
            throw new GpuRequiredException(id, choice);
        }

        return choice;
    }

    /// <summary>Null when a session on <paramref name="provider"/> for <paramref name="id"/> is created and runs, else why not.</summary>
    public static string? Probe(DeviceId id, InferenceOptions options, ExecutionProviderKind provider)
    {
        try
        {
            using var sessionOptions = new SessionOptions();
            if (provider == ExecutionProviderKind.TensorRt)
            {
                using var tensorRt = new OrtTensorRTProviderOptions();
                tensorRt.UpdateOptions(new Dictionary<string, string> { ["device_id"] = id.Index.ToString(CultureInfo.InvariantCulture) });
                sessionOptions.AppendExecutionProvider_Tensorrt(tensorRt);
            }

            if (provider is ExecutionProviderKind.Cuda or ExecutionProviderKind.TensorRt)
            {
                using var cuda = new OrtCUDAProviderOptions();
                cuda.UpdateOptions(InferenceDevice.CudaProviderOptions(id, options));
                sessionOptions.AppendExecutionProvider_CUDA(cuda);
            }

            return Run(sessionOptions);
        }
        catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
        {
            return e.Message;
        }
    }

    private static string? Run(SessionOptions sessionOptions)
    {
        using var session = new InferenceSession(ProbeModel.Value, sessionOptions);
        var input = new DenseTensor<float>(ProbePixel, [1, 3, 1, 1]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxGraphBuilder.InputName, input)]);
        var output = results[0].AsEnumerable<float>().ToArray();
        return output.SequenceEqual(ProbePixel)
            ? null
            : $"a 1x1 convolution returned [{string.Join(", ", output)}] instead of [{string.Join(", ", ProbePixel)}]";
    }

    // A 1x1 convolution with identity weights: small enough to cost nothing, real enough to need the device and cuDNN.
    private static byte[] BuildProbeModel()
    {
        var graph = new OnnxGraph();
        var weights = graph.Constant("probe.weight", [3, 3, 1, 1], [1, 0, 0, 0, 1, 0, 0, 0, 1]);
        graph.Add("Conv", "probe", [OnnxGraphBuilder.InputName, weights], OnnxGraphBuilder.OutputName);
        return graph.Encode(OnnxGraphBuilder.Producer, "provider-probe", OnnxGraphBuilder.InputName, OnnxGraphBuilder.OutputName);
    }
}
