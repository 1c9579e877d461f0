namespace Vsr.Engine.Models;

/// <summary>One line of an ncnn .param file, with the weights the .bin holds for it.</summary>
/// <param name="Type">ncnn layer type, e.g. <c>Convolution</c>.</param>
/// <param name="Name">Layer name, unique in the model.</param>
/// <param name="Inputs">Names of the blobs it consumes.</param>
/// <param name="Outputs">Names of the blobs it produces.</param>
/// <param name="Params">Its <c>id=value</c> parameters.</param>
/// <param name="Weights">
/// Its blobs from the .bin in file order, as fp32: Convolution has the kernel [out, in, kh, kw]
/// then the bias when it has one; PReLU has its slopes; other layers have none.
/// </param>
public sealed record NcnnLayer(
    string Type,
    string Name,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> Outputs,
    NcnnParams Params,
    IReadOnlyList<float[]> Weights);
